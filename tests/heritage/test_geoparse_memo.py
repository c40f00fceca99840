"""IdentityMemo files a value for one very object, never for another one of the same id."""

from heritage.geoparse.memo import IdentityMemo


def test_a_value_is_found_for_its_own_object_and_key_only():
    memo: IdentityMemo[str] = IdentityMemo()
    owner, other = ["a", "b"], ["a", "b"]

    memo.put(owner, "value", "key")

    assert memo.get(owner, "key") == "value"
    assert memo.get(owner) is None
    assert memo.get(other, "key") is None  # equal, but another object


def test_a_full_memo_starts_again():
    memo: IdentityMemo[int] = IdentityMemo(size=2)
    owners = [object() for _ in range(3)]

    for n, owner in enumerate(owners):
        memo.put(owner, n)

    assert [memo.get(o) for o in owners] == [None, None, 2]
