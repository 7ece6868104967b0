namespace HubClient;

/// <summary>What to search for in <see cref="HubApi.ListModelsAsync"/>.</summary>
public sealed class ModelSearch : RepoSearch
{
    /// <summary>The task, such as <c>text-classification</c> (<c>pipeline_tag</c>).</summary>
    public string? PipelineTag { get; set; }

    /// <summary>The library, such as <c>transformers</c> or <c>gguf</c> (<c>library</c>).</summary>
    public string? Library { get; set; }

    /// <summary>Also report each model's card metadata (<c>cardData=true</c>); not with <see cref="RepoSearch.Expand"/>.</summary>
    public bool CardData { get; set; }

    internal override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (Expand.Count > 0 && CardData) throw new ArgumentException("Expand cannot be combined with CardData: the hub rejects it.", paramName);
    }

    internal override void AddTo(QueryString query)
    {
        base.AddTo(query);
        query.Add("pipeline_tag", PipelineTag).Add("library", Library).AddFlag("cardData", CardData);
    }
}
