from feedback_app.form_ids import form_id, new_form_id


def test_only_an_id_we_made_is_kept() -> None:
    ours = new_form_id()
    assert form_id(ours) == ours
    for sent in ("", "0", "abc", "x" * 15, ours + "!", "../" * 8, "a" * 65):
        made = form_id(sent)
        assert made != sent and form_id(made) == made, sent
