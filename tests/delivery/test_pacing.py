from bot.delivery.pacing import TokenBucket


def test_a_burst_then_one_a_second():
    bucket = TokenBucket(rate=1.0, burst=3.0)
    assert [bucket.take("#alerts", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("#alerts", 0.0) == 1.0
    assert bucket.take("#alerts", 1.0) == 0.0
    assert bucket.ready("#incidents", 1.0)  # each channel has its own budget


def test_a_request_slack_did_not_take_gives_its_slot_back_up_to_the_burst():
    bucket = TokenBucket(rate=1.0, burst=2.0)
    bucket.take("#alerts", 0.0)
    bucket.take("#alerts", 0.0)
    assert not bucket.ready("#alerts", 0.0)
    bucket.refund("#alerts")  # Slack answered 503
    assert bucket.ready("#alerts", 0.0)
    bucket.refund("#alerts")
    bucket.refund("#alerts")
    assert bucket.take("#alerts", 0.0) == 0.0
    assert bucket.take("#alerts", 0.0) == 0.0
    assert bucket.take("#alerts", 0.0) > 0  # never more than the burst
    bucket.refund("#never-used")  # nothing to give back
    assert bucket.ready("#never-used", 0.0)


def test_a_name_and_its_id_share_the_smaller_budget():
    bucket = TokenBucket(rate=1.0, burst=2.0)
    bucket.take("#alerts", 0.0)
    bucket.take("#alerts", 0.0)
    bucket.merge("#alerts", "C0ALERTS")
    assert not bucket.ready("C0ALERTS", 0.0)
