"""The progress cell: a slim bar with "(done/total)", or a moving busy stripe when the
total is not known yet. Paint only reads the row's roles; nothing is computed here."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photojobs.ui.icons import ERROR, INFO, MUTED, SUCCESS
from photojobs.ui.processes.roles import ProgressRole, StatusRole

FILL = {"running": INFO, "completed": SUCCESS, "failed": ERROR, "canceled": MUTED, "queued": MUTED}
BUSY_PERIOD = 1.4  # seconds for the stripe to cross the bar once


class ProgressDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        status = index.data(StatusRole) or "queued"
        done, total = index.data(ProgressRole) or (0, 0)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        label = f"({done}/{total})" if total > 0 else ("working…" if status == "running" else "")
        metrics = option.fontMetrics
        label_width = metrics.horizontalAdvance(label) + 6 if label else 0
        rect = QRectF(option.rect).adjusted(6, 0, -6, 0)
        bar = QRectF(rect.left(), rect.center().y() - 3, max(8.0, rect.width() - label_width), 6)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QColor(palette.color(QPalette.ColorRole.Mid))
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        fill = QColor(FILL.get(status, MUTED))
        if total > 0:
            share = 1.0 if status == "completed" else min(1.0, done / total)
            if share > 0:
                painter.setBrush(fill)
                painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * share, 6), 3, 3)
        elif status == "running":
            phase = (time.monotonic() % BUSY_PERIOD) / BUSY_PERIOD
            width = bar.width() * 0.3
            left = bar.left() - width + (bar.width() + width) * phase
            stripe = QRectF(max(left, bar.left()), bar.top(), 0, 6)
            stripe.setRight(min(left + width, bar.right()))
            painter.setBrush(fill)
            painter.drawRoundedRect(stripe, 3, 3)
        elif status == "completed":
            painter.setBrush(fill)
            painter.drawRoundedRect(bar, 3, 3)
        if label:
            painter.setPen(text_color)
            box = QRectF(bar.right() + 6, rect.top(), label_width, rect.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(140, option.fontMetrics.height() + 8)
