"""Drives Python's huggingface_hub against the fake hub and a cache shared with HubClient.

Usage: interop.py MODE CACHE_DIR REPO FILE...
  MODE: offline | online | scan | snapshot-offline | snapshot-online | no-exist | missing-online | local-dir
Prints one line per file: "<path>\t<sha256 of content>"; for scan a summary; for no-exist what try_to_load_from_cache
says ("no-exist", "none" or the path); for missing-online "missing" when the hub said the file does not exist; local-dir
takes CACHE_DIR as the local directory. Copy mode comes from the environment (HF_HUB_DISABLE_SYMLINKS=1).
"""
import hashlib
import sys

mode, cache_dir, repo = sys.argv[1], sys.argv[2], sys.argv[3]
files = sys.argv[4:]

import filelock
import inspect

# Debian 12 ships filelock 3.9; huggingface_hub asks for >= 3.10, which added the `mode` argument. Accept and ignore it:
# the lock itself (flock on Unix) is the same.
if "mode" not in inspect.signature(filelock.BaseFileLock.__init__).parameters:
    _FileLock = filelock.FileLock

    class _CompatFileLock(_FileLock):
        def __init__(self, *args, mode=None, **kwargs):
            super().__init__(*args, **kwargs)

    filelock.FileLock = _CompatFileLock

import huggingface_hub
from huggingface_hub import hf_hub_download, scan_cache_dir, snapshot_download, try_to_load_from_cache
from huggingface_hub.errors import EntryNotFoundError
from huggingface_hub.file_download import _CACHED_NO_EXIST

print(f"# huggingface_hub {huggingface_hub.__version__}", file=sys.stderr)
if mode == "scan":
    info = scan_cache_dir(cache_dir)
    for r in info.repos:
        refs = sorted(ref for rev in r.revisions for ref in rev.refs)
        print(f"repo\t{r.repo_type}\t{r.repo_id}\t{r.size_on_disk}\t{r.nb_files}\t{','.join(refs)}")
    print(f"warnings\t{len(info.warnings)}")
    for w in info.warnings:
        print(f"warning\t{w}")
elif mode == "no-exist":
    for f in files:
        found = try_to_load_from_cache(repo, f, cache_dir=cache_dir)
        print("no-exist" if found is _CACHED_NO_EXIST else "none" if found is None else found)
elif mode == "missing-online":
    for f in files:
        try:
            hf_hub_download(repo, f, cache_dir=cache_dir)
            print("found")
        except EntryNotFoundError:
            print("missing")
elif mode == "local-dir":
    for f in files:
        path = hf_hub_download(repo, f, local_dir=cache_dir)
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        print(f"{path}\t{digest}")
elif mode.startswith("snapshot-"):
    folder = snapshot_download(repo, cache_dir=cache_dir, local_files_only=(mode == "snapshot-offline"))
    print(folder)
else:
    for f in files:
        path = hf_hub_download(repo, f, cache_dir=cache_dir, local_files_only=(mode == "offline"))
        with open(path, "rb") as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        print(f"{path}\t{digest}")
