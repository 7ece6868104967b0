using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>
/// Whether a repository is gated (users must request access) and how requests are approved. The hub sends
/// <c>false</c>, <c>"auto"</c> or <c>"manual"</c>; other values it may add later are kept as they are.
/// </summary>
[JsonConverter(typeof(RepoGatingJsonConverter))]
public readonly struct RepoGating : IEquatable<RepoGating>
{
    private readonly string? _value;

    /// <summary>A gating mode named by the hub.</summary>
    /// <param name="value">The hub's name for it, such as <c>auto</c>.</param>
    public RepoGating(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value == "false" ? null : value;
    }

    /// <summary>Anyone with access to the repository may download it (<c>false</c>).</summary>
    public static RepoGating NotGated => default;

    /// <summary>Access requests are approved automatically (<c>"auto"</c>).</summary>
    public static RepoGating Auto { get; } = new("auto");

    /// <summary>Access requests are approved by the owners (<c>"manual"</c>).</summary>
    public static RepoGating Manual { get; } = new("manual");

    /// <summary>Whether users must request access.</summary>
    public bool IsGated => _value is not null;

    /// <summary>Whether two values are the same mode.</summary>
    public static bool operator ==(RepoGating left, RepoGating right) => left.Equals(right);

    /// <summary>Whether two values are different modes.</summary>
    public static bool operator !=(RepoGating left, RepoGating right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(RepoGating other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RepoGating other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>The hub's spelling: <c>false</c>, <c>auto</c>, <c>manual</c>…</summary>
    public override string ToString() => _value ?? "false";
}
