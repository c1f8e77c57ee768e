"""QR codes as inline SVG (for authenticator set-up), drawn with segno."""

import io

import segno


def svg_qr(data: str, *, scale: int = 4) -> str:
    """Return an SVG document showing data as a QR code."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, xmldecl=False, svgns=True)
    return buffer.getvalue().decode("utf-8")
