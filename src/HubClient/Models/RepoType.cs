namespace HubClient;

/// <summary>The kind of hub repository.</summary>
public enum RepoType
{
    /// <summary>A model repository (no URL prefix, cache folder <c>models--…</c>).</summary>
    Model,

    /// <summary>A dataset repository (URL prefix <c>datasets/</c>, cache folder <c>datasets--…</c>).</summary>
    Dataset,

    /// <summary>A Space repository (URL prefix <c>spaces/</c>, cache folder <c>spaces--…</c>).</summary>
    Space,
}
