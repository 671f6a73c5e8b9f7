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


def _photo_of_a_case_label() -> bytes:
    """A case label as a phone sees it: a GS1 DataMatrix (GTIN, expiry with day 00, lot), an SSCC in GS1-128
    and an EAN-13, photographed a little rotated, scaled down and grainy."""
    import barcode
    import zxingcpp
    from barcode.writer import ImageWriter
    from PIL import Image, ImageFilter

    matrix = zxingcpp.create_barcode("(01)15012345000012(17)270300(10)L2611-7", zxingcpp.BarcodeFormat.DataMatrix,
                                     gs1=True).to_image(scale=8)
    pixels = memoryview(matrix)
    datamatrix = Image.frombuffer("L", (pixels.shape[1], pixels.shape[0]), bytes(pixels), "raw", "L", 0, 1)

    def linear(kind: str, value: str) -> Image.Image:
        out = io.BytesIO()
        barcode.get(kind, value, writer=ImageWriter()).write(out, {"module_width": 0.35, "write_text": False})
        out.seek(0)
        return Image.open(out).convert("L")

    sscc, ean13 = linear("code128", "00106141411234567897"), linear("ean13", "501234500001")
    sheet = Image.new("L", (max(sscc.width, ean13.width) + datamatrix.width + 120,
                            sscc.height + ean13.height + 140), 235)
    sheet.paste(sscc, (40, 40))
    sheet.paste(ean13, (40, sscc.height + 100))
    sheet.paste(datamatrix, (sheet.width - datamatrix.width - 40, 40))
    photo = sheet.rotate(6, resample=Image.BICUBIC, expand=True, fillcolor=200)
    photo = photo.resize((int(photo.width * 0.8), int(photo.height * 0.8)), Image.BICUBIC)
    grain = Image.effect_noise(photo.size, 18).point(lambda v: v - 128)
    photo = Image.blend(photo, grain.convert("L"), 0.08).filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    photo.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def test_a_photo_with_a_gs1_datamatrix_and_two_linear_codes_is_read_whole_and_says_which_decoder_found_each(
        client, make_user):
    token = make_user("ravi", "receiver")
    response = client.post("/api/v1/decode", data=_photo_of_a_case_label(), content_type="image/jpeg",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_json()
    codes = {c["type"]: c for c in response.get_json()["codes"]}
    assert set(codes) == {"DataMatrix", "Code128", "EAN-13"}, codes
    matrix = codes["DataMatrix"]
    assert matrix["decoders"] == ["zxing-cpp"]  # zbar reads no DataMatrix
    assert (matrix["gs1"]["gtin"], matrix["gs1"]["expiry"], matrix["gs1"]["lot"]) == \
        ("15012345000012", "2027-03-31", "L2611-7")  # day 00: the end of the month
    assert codes["Code128"]["gs1"]["sscc"] == "106141411234567897"
    assert codes["EAN-13"]["data"] == "5012345000015"
    assert all(c["decoders"] for c in codes.values())


def test_a_hundred_megapixel_photo_is_refused_before_a_pixel_is_decoded(client, make_user):
    from PIL import Image

    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000), 1).save(bomb, format="PNG")  # 100 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 8 * 1024 * 1024
    token = make_user("ravi", "receiver")
    response = client.post("/api/v1/decode", data=bomb.getvalue(), content_type="image/png",
                           headers={"Authorization": f"Bearer {token}"})
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["code"] == "image_too_large"
