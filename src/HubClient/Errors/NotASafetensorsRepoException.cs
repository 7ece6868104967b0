namespace HubClient;

/// <summary>
/// The repository has neither <c>model.safetensors</c> nor <c>model.safetensors.index.json</c> at that revision (as
/// huggingface_hub's <c>NotASafetensorsRepoError</c>).
/// </summary>
public class NotASafetensorsRepoException : HubException
{
    /// <summary>Creates the exception.</summary>
    public NotASafetensorsRepoException(string message, string repoId, Exception? innerException = null) : base(message, innerException)
    {
        RepoId = repoId;
    }

    /// <summary>The repository that was asked.</summary>
    public string RepoId { get; }
}
