"""The photo grid: a virtualised list view over photo ids, painted by a delegate."""
