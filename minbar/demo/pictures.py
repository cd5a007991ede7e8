"""Draw the demo bundle's pictures: abstract illustrations, writer avatars, a logo.

The demo must not carry anyone's photographs, so its pictures are drawn here,
deterministically (the same file every run), and committed under
``bundle/media/``.  Run ``python -m minbar.demo.pictures`` after adding items.
"""

import json
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

BUNDLE = Path(__file__).resolve().parent / "bundle"

PALETTES = [
    ((11, 93, 75), (235, 225, 200), (200, 120, 60)),
    ((28, 55, 110), (230, 235, 245), (210, 170, 60)),
    ((120, 40, 50), (245, 230, 220), (60, 90, 110)),
    ((60, 70, 40), (240, 235, 210), (170, 90, 40)),
    ((40, 40, 60), (225, 225, 235), (0, 140, 150)),
]


def illustration(seed: int, width=1200, height=675) -> Image.Image:
    """A calm abstract composition: a gradient, soft circles and a horizon."""
    rng = random.Random(seed)  # noqa: S311 - drawing, not security
    dark, light, accent = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(dark[i] * (1 - t) + light[i] * t) for i in range(3)),
        )
    shapes = Image.new("RGBA", (width, height))
    shape_draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randint(4, 8)):
        r = rng.randint(60, 260)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = accent if rng.random() < 0.5 else light
        shape_draw.ellipse(
            [x - r, y - r, x + r, y + r], fill=(*colour, rng.randint(60, 140))
        )
    horizon = int(height * rng.uniform(0.55, 0.75))
    points = [(0, height)]
    for x in range(0, width + 100, 100):
        points.append((x, horizon + rng.randint(-40, 40)))
    points.append((width, height))
    shape_draw.polygon(points, fill=(*dark, 200))
    shapes = shapes.filter(ImageFilter.GaussianBlur(2))
    image.paste(shapes, (0, 0), shapes)
    return image


def avatar(seed: int, size=400) -> Image.Image:
    """A head-and-shoulders silhouette on a coloured ground."""
    dark, light, accent = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.1, size * 0.62, size * 0.9, size * 1.4], fill=dark)
    draw.ellipse([size * 0.3, size * 0.18, size * 0.7, size * 0.62], fill=accent)
    return image


def logo(size=256) -> Image.Image:
    """A minbar's steps in the brand colour."""
    image = Image.new("RGB", (size, size), (11, 93, 75))
    draw = ImageDraw.Draw(image)
    step = size // 6
    for i in range(4):
        x0 = size // 6 + i * step
        draw.rectangle(
            [x0, size // 6 + i * step, size - size // 6, size - size // 6],
            fill=(245, 242, 236),
        )
    return image


def main():
    media = BUNDLE / "media"
    media.mkdir(exist_ok=True)
    publication = json.loads((BUNDLE / "publication.json").read_text(encoding="utf-8"))
    logo().save(media / "logo.png", optimize=True)
    for n, writer in enumerate(publication.get("writers", [])):
        avatar(n).save(BUNDLE / writer["photo"], quality=80, optimize=True)
    for path in sorted((BUNDLE / "items").glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        for association in item.get("associations", []):
            for rendition in association.get("renditions", []):
                seed = int(path.stem)
                illustration(seed, rendition["width"], rendition["height"]).save(
                    BUNDLE / rendition["href"],
                    quality=72,
                    optimize=True,
                    progressive=True,
                )


if __name__ == "__main__":
    main()
