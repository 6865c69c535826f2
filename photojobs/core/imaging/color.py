"""Bring any decoded image to 8-bit sRGB RGB, the only thing derivatives are made of."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageCms

_BACKGROUND = (255, 255, 255)  # transparent areas become white, as on a print


def resizable(image: Image.Image) -> Image.Image:
    """Convert modes that Pillow cannot resample smoothly (palette, 1-bit, 16-bit, float)."""
    mode = image.mode
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if mode == "PA":
        return image.convert("RGBA")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I"):
        # Pillow clips 16-bit values into 8 bits instead of scaling them.
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "F":
        return image.point(lambda v: v * 255).convert("L")
    return image


def to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """An RGB image in sRGB: alpha flattened, embedded colour profile applied when there is one."""
    image = _flatten_alpha(image)
    if icc_profile:
        converted = _apply_profile(image, icc_profile)
        if converted is not None:
            return converted
    return image if image.mode == "RGB" else image.convert("RGB")


def _flatten_alpha(image: Image.Image) -> Image.Image:
    if image.mode in ("LA", "La", "RGBa"):
        image = image.convert("RGBA")
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, _BACKGROUND)
    background.paste(image, mask=image.getchannel("A"))
    return background


def _apply_profile(image: Image.Image, icc_profile: bytes) -> Image.Image | None:
    """Convert through the embedded profile; None when it is sRGB already or unusable."""
    if image.mode not in ("RGB", "CMYK", "L"):
        return None
    transform = _transform_to_srgb(icc_profile, image.mode)
    if transform is None:
        return None
    try:
        return ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, ValueError):
        return None


@lru_cache(maxsize=16)
def _transform_to_srgb(icc_profile: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    # Building a transform costs milliseconds; a shoot usually carries one or two profiles.
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return None
        return ImageCms.buildTransform(
            source,
            _srgb_profile(),
            mode,
            "RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            # No 1-pixel cache: the transform is shared by worker threads.
            flags=ImageCms.Flags.NOCACHE,
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


@lru_cache(maxsize=1)
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
