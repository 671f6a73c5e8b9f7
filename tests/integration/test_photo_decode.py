"""A receiver photographs a pallet label: the server finds every barcode on it."""
import io


def _label_png(values: list[str]) -> bytes:
    import barcode  # python-barcode is a dependency of the app: never skipped
    from barcode.writer import ImageWriter
    from PIL import Image

    images = []
    for value in values:
        out = io.BytesIO()
        barcode.get("code128", value, writer=ImageWriter()).write(out, {"module_width": 0.4, "write_text": False})
        out.seek(0)
        images.append(Image.open(out).convert("L"))
    sheet = Image.new("L", (max(i.width for i in images) + 40, sum(i.height + 40 for i in images)), 255)
    y = 20
    for image in images:
        sheet.paste(image, (20, y))
        y += image.height + 40
    out = io.BytesIO()
    sheet.save(out, format="PNG")
    return out.getvalue()


def test_every_barcode_on_a_label_photo_is_decoded_and_gs1_fields_read(client, make_user):
    token = make_user("ravi", "receiver")
    photo = _label_png(["00106141411234567897", "SKU-1"])
    response = client.post("/api/v1/decode", data={"photo": (io.BytesIO(photo), "label.png")},
                           headers={"Authorization": f"Bearer {token}"}, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_json()
    codes = {c["data"]: c for c in response.get_json()["codes"]}
    assert set(codes) == {"00106141411234567897", "SKU-1"}
    assert codes["00106141411234567897"]["gs1"]["sscc"] == "106141411234567897"


def test_a_photo_that_is_not_an_image_or_too_big_is_refused(app, client, make_user):
    token = make_user("ravi", "receiver")
    auth = {"Authorization": f"Bearer {token}"}
    bad = client.post("/api/v1/decode", data=b"not an image", headers=auth, content_type="image/png")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_image"
    huge = client.post("/api/v1/decode", data=b"\x89PNG" + b"\0" * (9 * 1024 * 1024), headers=auth, content_type="image/png")
    assert huge.status_code == 413
    assert client.post("/api/v1/decode", data=b"x", content_type="image/png").status_code == 401
