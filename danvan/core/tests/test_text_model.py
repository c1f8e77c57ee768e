"""A trained topic classifier (lib.textsim) is stored as plain arrays and read back."""

from danvan.core.models import AuditEntry, TextModel
from danvan.core.services import load_text_model, save_text_model
from danvan.lib import textsim
from danvan.lib.tests.test_textsim import samples


def test_a_classifier_is_stored_and_read_back_without_pickle(db):
    assert load_text_model("voice.topics") is None
    model = textsim.TopicClassifier.train(samples())
    for _ in range(4):
        row = save_text_model(actor=None, name="voice.topics", model=model)
    assert TextModel.objects.filter(name="voice.topics").count() == 3
    assert row.accuracy == model.accuracy and row.n_samples == 40
    assert AuditEntry.objects.filter(action="core.text_model").count() == 4
    again = load_text_model("voice.topics")
    assert again.predict("Rác chất đống ở chợ")[0][0] == "rac"
