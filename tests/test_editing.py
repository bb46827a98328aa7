import aekit
from aekit import editing, measures


def test_edit_report_is_computed_from_the_models(sample):
    aekit.set_seed(0)
    encoder, decoder, autoencoder = aekit.build_autoencoder()
    aekit.train(autoencoder, sample.x_train[:1000], epochs=3)
    classifier = measures.train_digit_classifier(sample.x_train[:1000], sample.y_train[:1000], epochs=3)
    train_codes = aekit.encode(encoder, sample.x_train[:1000])
    adjustments = [aekit.Adjustment(0, scale=1000.0), aekit.Adjustment(1, scale=1.0)]
    report = editing.describe_adjustments(encoder, decoder, sample.x_test[0], adjustments,
                                           train_codes, classifier)
    assert [row["panel"] for row in report.rows] == ["reconstruction", "z[0] × 1000", "z[1] × 1"]
    far, identity = report.sentences
    assert "outside the range of all 1,000 training codes" in far
    assert "pixel MSE 0.0000" in identity and "its centre stays put" in identity
    assert "classifier still sees" in identity
    assert report.to_markdown().startswith("| panel |") and "z[0] × 1000" in report._repr_markdown_()


