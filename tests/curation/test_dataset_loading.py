"""The shipped dataset loads, reloads without change, and refuses bad files whole."""

import pytest
from django.core.management import CommandError, call_command

from countries.models import Country, Law, Source
from orgs.models import Family, Feature, OrganizationType, SubCondition

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model._meta.label: sorted(tuple(sorted(row.items())) for row in model.objects.values())
        for model in (Country, Law, Source, Feature, SubCondition, Family, OrganizationType)
    }


def test_method_has_three_features_with_two_sub_conditions_each(full_dataset):
    assert list(Feature.objects.values_list("code", flat=True)) == ["social", "economic", "democratic"]
    for feature in Feature.objects.all():
        assert feature.sub_conditions.count() == 2


def test_phase_one_countries_are_published_and_phase_two_are_drafts(full_dataset):
    published = set(Country.objects.published().values_list("code", flat=True))
    assert {"KR", "JP", "CN", "MY", "ID", "PH"} <= published
    drafts = set(Country.objects.filter(phase=2).values_list("code", "publication_status"))
    assert {code for code, _ in drafts} == {"KH", "KG", "LA", "MN", "TH", "VN"}
    assert {status for _, status in drafts} == {"draft"}


def test_loading_twice_changes_nothing(full_dataset, capsys):
    before = snapshot()
    call_command("load_dataset")
    assert " 0 created, 0 updated" in capsys.readouterr().out
    assert snapshot() == before


def test_a_bad_record_aborts_the_whole_load(tmp_path, full_dataset):
    before = snapshot()
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- model: countries.source\n  fields: {slug: fresh-source, title: A new source}\n"
        "- model: countries.country\n  fields: {code: XX, name: Atlantis, slug: atlantis, region: east_asia}\n"
    )
    with pytest.raises(CommandError, match=r"bad.yaml, record 2 .*code"):
        call_command("load_dataset", str(path))
    assert snapshot() == before
    assert not Source.objects.filter(slug="fresh-source").exists()


def test_a_reference_to_a_missing_record_is_named(tmp_path, full_dataset):
    path = tmp_path / "dangling.yaml"
    path.write_text("- model: countries.law\n  fields: {slug: ghost-act, title: Ghost Act, country: [ZZ]}\n")
    with pytest.raises(CommandError, match=r"dangling.yaml, record 1 \(countries.law slug='ghost-act'\)"):
        call_command("load_dataset", str(path))


def test_database_ids_are_refused(tmp_path):
    path = tmp_path / "ids.yaml"
    path.write_text("- model: orgs.family\n  pk: 7\n  fields: {slug: x, name: X}\n")
    with pytest.raises(CommandError, match="natural keys"):
        call_command("load_dataset", str(path))


def test_fields_a_file_leaves_out_are_kept(full_dataset):
    Country.objects.filter(code="KR").update(boundary={"type": "Point", "coordinates": [127, 37]})
    call_command("load_dataset")
    assert Country.objects.get(code="KR").boundary == {"type": "Point", "coordinates": [127, 37]}


def test_an_edited_record_is_updated_and_its_history_says_so(tmp_path, full_dataset):
    path = tmp_path / "families.yaml"
    path.write_text("- model: orgs.family\n  fields: {slug: cooperative, name: Co-operatives}\n")
    call_command("load_dataset", str(path))
    family = Family.objects.get(slug="cooperative")
    assert family.name == "Co-operatives"
    assert family.history.first().history_change_reason == "Dataset load: families.yaml"


def test_an_unknown_field_is_named(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("- model: orgs.family\n  fields: {slug: x, name: X, colour: red}\n")
    with pytest.raises(CommandError, match=r"typo.yaml, record 1 .*colour"):
        call_command("load_dataset", str(path))


def test_an_unknown_model_is_named(tmp_path):
    path = tmp_path / "model.yaml"
    path.write_text("- model: orgs.widget\n  fields: {slug: x}\n")
    with pytest.raises(CommandError, match=r"model.yaml, record 1 .*orgs.widget"):
        call_command("load_dataset", str(path))
