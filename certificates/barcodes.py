"""Machine-readable marks on certificates and lists: Code 39 barcodes (VNR, EFN) and QR codes, as SVG data URIs."""

import base64
import io

import segno
from barcode import Code39
from barcode.writer import SVGWriter


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def code39_svg(value: str, *, module_width: float = 0.22, module_height: float = 12.0) -> bytes:
    """A Code 39 barcode without check character, as chambers print VNR and EFN labels (cpd-rules 1.5)."""
    writer = SVGWriter()
    barcode = Code39(value, writer=writer, add_checksum=False)
    return barcode.render(
        writer_options={
            "module_width": module_width,
            "module_height": module_height,
            "font_size": 8,
            "text_distance": 4,
            "quiet_zone": 4,
        }
    )


def code39_data_uri(value: str, **options: float) -> str:
    return _data_uri(code39_svg(value, **options))


def qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2)
    return _data_uri(buffer.getvalue())
