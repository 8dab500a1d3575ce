"""The shared cache of slow pure results (memo.py): kept by key, read back, absent without it."""
from platgov_analysis import memo


def test_results_are_kept_by_key_and_read_back(tmp_path, monkeypatch):
    calls = []

    def compute(value: bytes):
        def run() -> bytes:
            calls.append(value)
            return value
        return run

    assert memo.remembered("k", ("a", 1), compute(b"first")) == b"first"  # no cache folder: computed
    monkeypatch.setenv(memo.CACHE_ENV, str(tmp_path))
    assert memo.remembered("k", ("a", 1), compute(b"first")) == b"first"
    assert memo.remembered("k", ("a", 1), compute(b"other")) == b"first"  # kept: not computed again
    assert memo.remembered("k", ("a", 2), compute(b"second")) == b"second"  # another key
    assert calls == [b"first", b"first", b"second"]
    assert not list(tmp_path.rglob("*.partial"))


def test_folders_are_kept_by_key_and_copied(tmp_path, monkeypatch):
    monkeypatch.setenv(memo.CACHE_ENV, str(tmp_path / "cache"))
    made = []

    def make(folder):
        made.append(folder)
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "file.txt").write_text("made", encoding="utf-8")

    for target in (tmp_path / "one", tmp_path / "two"):
        memo.remembered_tree("tree", "key", make, target)
        assert (target / "sub" / "file.txt").read_text(encoding="utf-8") == "made"
    assert len(made) == 1  # the second target is a copy
