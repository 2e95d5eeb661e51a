"""Helpers shared by the demo data and the data at scale: made-up Vietnamese
names, small image and PDF files, and dates."""

import datetime
import io
import random

from django.utils import timezone
from PIL import Image, ImageDraw

REFORM_DAY = datetime.date(2025, 7, 1)  # district level abolished, communes created

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Nông",
    "Lương",
    "Đàm",
    "Bế",
    "Lục",
    "Ma",
    "Triệu",
    "Hà",
    "Vi",
    "Lý",
    "Đinh",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Ngọc"]
MIDDLE_F = ["Thị", "Thu", "Hồng", "Ngọc", "Minh", "Thanh"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Quân",
    "Sơn",
    "Thắng",
    "Tuấn",
    "Việt",
    "Đạt",
    "Phúc",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Huệ",
]


def random_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def png_bytes(text: str) -> bytes:
    image = Image.new("RGB", (480, 160), "white")
    ImageDraw.Draw(image).text((16, 60), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 200), "white").save(buffer, format="PDF", title=text)
    return buffer.getvalue()


def at(day: datetime.date) -> datetime.datetime:
    """Nine in the morning of the day, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
