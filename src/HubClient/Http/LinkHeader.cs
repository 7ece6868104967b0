namespace HubClient;

/// <summary>Reads the <c>rel="next"</c> target of an RFC 8288 <c>Link</c> header, the hub's (and GitHub's) pagination.</summary>
internal static class LinkHeader
{
    /// <summary>The default hub's origin, which a mirror's pages may still link to.</summary>
    private static readonly Uri DefaultHub = new(HubApiOptions.DefaultEndpoint);

    /// <summary>
    /// A next-page link to the default hub's origin (<c>https://huggingface.co</c>) moved onto <paramref name="endpoint"/>, so
    /// that a mirror that copies the hub's <c>Link</c> headers keeps being paged through the mirror (as huggingface_hub's
    /// <c>fix_hf_endpoint_in_url</c> does); any other link is returned as is, for the caller to accept or refuse.
    /// </summary>
    public static Uri OntoEndpoint(Uri next, Uri endpoint)
    {
        if (Uri.Compare(next, DefaultHub, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0) return next;
        return new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + next.PathAndQuery);
    }

    /// <summary>The target of the first link whose <c>rel</c> includes <c>next</c>, as written (possibly relative), or null.</summary>
    public static string? FindNext(string header)
    {
        int i = 0;
        while (i < header.Length)
        {
            int open = header.IndexOf('<', i);
            if (open < 0) return null;
            int close = header.IndexOf('>', open + 1);
            if (close < 0) return null;
            string target = header[(open + 1)..close].Trim();
            int end = EndOfParameters(header, close + 1);
            if (HasNextRelation(header.AsSpan(close + 1, end - close - 1))) return target;
            i = end + 1;
        }
        return null;
    }

    /// <summary>The index of the ',' ending a link's parameters (commas inside quoted values do not count), or the end.</summary>
    private static int EndOfParameters(string header, int start)
    {
        bool quoted = false;
        for (int i = start; i < header.Length; i++)
        {
            if (header[i] == '"') quoted = !quoted;
            else if (header[i] == ',' && !quoted) return i;
        }
        return header.Length;
    }

    private static bool HasNextRelation(ReadOnlySpan<char> parameters)
    {
        foreach (Range range in parameters.Split(';'))
        {
            ReadOnlySpan<char> parameter = parameters[range].Trim();
            int equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)) continue;
            ReadOnlySpan<char> relations = parameter[(equals + 1)..].Trim().Trim('"');
            foreach (Range relation in relations.Split(' '))
            {
                if (relations[relation].Equals("next", StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }
}
