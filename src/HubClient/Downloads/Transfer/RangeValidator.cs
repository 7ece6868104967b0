using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// Keeps the ranges of one parallel download (or of one remote read stream) coming from one version of the file. The first 206 answer's strong
/// <c>ETag</c> becomes the validator, sent with every later range as <c>If-Match</c>; an answer with another ETag, or a 412,
/// means the file changed mid-download. A validator remembered from an earlier run (in the sidecar) is only a first guess:
/// a CDN may label the same bytes differently later, so it is replaced rather than trusted until this run confirms it —
/// the chunks' checksums and the whole file's hash still guard the bytes.
/// </summary>
internal sealed class RangeValidator
{
    private readonly ChunkState? _state;
    private readonly Lock _lock = new();
    private string? _tag;
    private bool _confirmed;

    /// <param name="state">The download's sidecar, which remembers the validator across runs; null for reads that keep nothing.</param>
    public RangeValidator(ChunkState? state = null)
    {
        _state = state;
        _tag = state?.Validator;
    }

    /// <summary>The value to send as <c>If-Match</c>, if any.</summary>
    public string? IfMatch
    {
        get
        {
            lock (_lock) return _tag;
        }
    }

    private void Remember(string? tag)
    {
        _tag = tag;
        if (_state is not null) _state.Validator = tag;
    }

    /// <summary>Whether a range answered with <paramref name="etag"/> belongs to the same file version as the others.</summary>
    public bool Accept(EntityTagHeaderValue? etag)
    {
        if (etag is null || etag.IsWeak) return true; // Nothing to compare (If-Match needs a strong tag).
        lock (_lock)
        {
            string? known = _tag;
            if (known == etag.Tag)
            {
                _confirmed = true;
                return true;
            }
            if (known is null || !_confirmed)
            {
                Remember(etag.Tag);
                _confirmed = true;
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// A range sent with <c>If-Match: <paramref name="sent"/></c> got 412. Returns true when that means the file changed;
    /// false when the validator was only remembered from an earlier run (it is dropped, ask again without it).
    /// </summary>
    public bool IsChangeOnPreconditionFailed(string? sent)
    {
        lock (_lock)
        {
            if (sent is null) return true; // 412 without a condition: nothing sensible left.
            if (_tag != sent) return false; // Another connection already moved on to a newer validator.
            if (_confirmed) return true;
            Remember(null);
            return false;
        }
    }
}
