// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>
/// What the bank sent back to the redirect URI, read from what the customer's browser shows: the whole URL (the
/// fragment for <c>code id_token</c>, the query for <c>code</c>), or just the fragment or query, with or without its
/// <c>#</c> or <c>?</c>. A parameter given twice is refused, as OAuth 2.0 (RFC 6749 §3.1) requires.
/// </summary>
internal sealed class AuthorizationResponse
{
    /// <summary>The largest input read: a redirect carries a code, a state and an ID token, nowhere near this.</summary>
    public const int MaxLength = 64 * 1024;

    private AuthorizationResponse(IReadOnlyDictionary<string, string> parameters, Uri? redirectUri, bool fromFragment)
    {
        Parameters = parameters;
        RedirectUri = redirectUri;
        FromFragment = fromFragment;
    }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The URL without its query and fragment, when a whole URL was given.</summary>
    public Uri? RedirectUri { get; }

    /// <summary>Whether the parameters came from the fragment (or were given alone after a <c>#</c>).</summary>
    public bool FromFragment { get; }

    public string? Code => Get("code");

    public string? State => Get("state");

    public string? IdToken => Get("id_token");

    public string? Error => Get("error");

    public string? ErrorDescription => Get("error_description");

    /// <summary>RFC 9207: the issuer of the response, when the bank says.</summary>
    public string? Issuer => Get("iss");

    public static AuthorizationResponse Parse(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Trim();
        if (text.Length == 0)
        {
            throw new TppException("the redirect URL is empty: paste the whole URL the browser was sent to (quote it in the shell).");
        }

        if (text.Length > MaxLength)
        {
            throw new TppException($"the redirect URL is longer than {MaxLength} characters.");
        }

        Uri? redirectUri = null;
        string parameters;
        bool fromFragment;
        if (text[0] is not ('#' or '?') && text.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.IsFile)
            {
                throw new TppException($"'{Excerpt(text)}' is not a URL.");
            }

            redirectUri = new Uri(url.GetLeftPart(UriPartial.Path));
            fromFragment = url.Fragment.Length > 1;
            parameters = fromFragment ? url.Fragment[1..] : url.Query.TrimStart('?');
        }
        else
        {
            fromFragment = text[0] != '?';
            parameters = text.TrimStart('#', '?');
        }

        if (parameters.Length == 0)
        {
            throw new TppException(
                "the redirect URL carries no response: no fragment (code id_token) and no query (code). Copy the "
                + "whole URL from the browser's address bar.");
        }

        return new AuthorizationResponse(ParseParameters(parameters), redirectUri, fromFragment);
    }

    private static Dictionary<string, string> ParseParameters(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            if (!result.TryAdd(name, value))
            {
                throw new TppException(
                    $"the response has the parameter '{name}' more than once; it is not an answer from the bank (RFC 6749 §3.1).");
            }
        }

        return result;
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static string Excerpt(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private string? Get(string name) => Parameters.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}
