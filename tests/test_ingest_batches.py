"""Queue items written in batches: same outcomes, same order, nothing lost."""

import pytest
from django.db import IntegrityError, transaction

from minbar.ingest import services
from minbar.ingest.items import ParsedEntry
from minbar.ingest.models import IncomingItem
from minbar.ingest.services import Destination, receive_entries

from .test_ingest import wire_item

pytestmark = pytest.mark.django_db

QUEUE = Destination(source="tass")


def story(n, **fields):
    fields.setdefault("headline", f"خبر رقم {n} من الوكالة")
    return ParsedEntry(f"tass-{n}.json", item=wire_item(guid=f"tass-{n}", **fields))


def outcomes(entries):
    return [
        (o.location, o.outcome) for o in receive_entries((e, QUEUE) for e in entries)
    ]


def test_batches_keep_every_outcome_in_order(monkeypatch):
    monkeypatch.setattr(services, "QUEUE_BATCH", 3)
    entries = [
        story(1),
        story(2),
        ParsedEntry("page.xml#post-9", skipped="a page, not a story"),
        story(3),
        story(4),
        ParsedEntry("broken.json", error="not JSON: line 1"),
        story(5),
        # The same text as item 1 under another id, in the same batch or not.
        story(6, headline="خبر رقم 1 من الوكالة"),
        # A second version of item 5, right behind it.
        story(5, version="2", summary="تحديث: وصل الوزير."),
        story(7),
    ]
    assert outcomes(entries) == [
        ("tass-1.json", "queued"),
        ("tass-2.json", "queued"),
        ("page.xml#post-9", "skipped"),
        ("tass-3.json", "queued"),
        ("tass-4.json", "queued"),
        ("broken.json", "failed"),
        ("tass-5.json", "queued"),
        ("tass-6.json", "duplicate"),
        ("tass-5.json", "queued"),
        ("tass-7.json", "queued"),
    ]
    assert IncomingItem.objects.filter(guid="tass-5").count() == 2
    assert not IncomingItem.objects.filter(guid="tass-6").exists()
    # Run again: nothing new.
    again = {outcome for _location, outcome in outcomes(entries)}
    assert again == {"unchanged", "skipped", "failed", "duplicate"}
    assert IncomingItem.objects.count() == 7


def test_queueing_costs_queries_per_batch_not_per_item(django_assert_max_num_queries):
    entries = [story(n) for n in range(1, 101)]
    # A savepoint, the lookup, the inserts (SQLite takes about 50 rows a
    # statement) and the savepoint's release: 5 on SQLite, 4 on PostgreSQL.
    with django_assert_max_num_queries(5):
        assert {outcome for _l, outcome in outcomes(entries)} == {"queued"}
    assert IncomingItem.objects.filter(source="tass").count() == 100


def test_a_run_stopped_midway_keeps_what_came_before(monkeypatch):
    def stopped_at_item_5():
        for n in range(1, 9):
            if n == 5:
                raise KeyboardInterrupt  # the operator's Ctrl-C, or a kill
            yield story(n), QUEUE

    with pytest.raises(KeyboardInterrupt):
        list(receive_entries(stopped_at_item_5()))
    assert sorted(IncomingItem.objects.values_list("guid", flat=True)) == [
        "tass-1", "tass-2", "tass-3", "tass-4",
    ]  # fmt: skip
    rerun = outcomes(story(n) for n in range(1, 9))
    assert [outcome for _location, outcome in rerun] == ["unchanged"] * 4 + [
        "queued"
    ] * 4
    assert IncomingItem.objects.count() == 8


def test_a_batch_that_fails_to_write_is_written_item_by_item(monkeypatch):
    real_insert = services.insert
    calls = []

    def racing_poll(rows, *args, **kwargs):
        # As when a poll of the same source wrote one of them meanwhile.
        calls.append(len(rows))
        raise IntegrityError("UNIQUE constraint failed: source, guid, version")

    monkeypatch.setattr(services, "insert", racing_poll)
    result = outcomes([story(1), story(2), story(3)])
    monkeypatch.setattr(services, "insert", real_insert)
    assert calls == [3]
    assert [outcome for _location, outcome in result] == ["queued"] * 3
    assert IncomingItem.objects.filter(source="tass").count() == 3


def test_a_row_written_meanwhile_is_a_database_error_on_every_database():
    outcomes([story(1)])
    row = services.incoming_row(wire_item(guid="tass-1"), QUEUE, "0" * 64, "1")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            services.insert([row, row])
    assert IncomingItem.objects.filter(guid="tass-1").count() == 1
