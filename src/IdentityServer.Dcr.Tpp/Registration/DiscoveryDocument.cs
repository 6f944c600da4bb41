// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Http;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// The bank's OpenID Provider metadata (<c>{bank}/.well-known/openid-configuration</c>): where to register and get
/// tokens, and which values the bank supports (DCR 3.3: "the TPP must query the ASPSP's OIDC .well-known end-point").
/// </summary>
internal sealed class DiscoveryDocument(JsonObject json)
{
    public const string WellKnownPath = ".well-known/openid-configuration";

    public JsonObject Json { get; } = json;

    public string? Issuer => Text("issuer");

    public string? RegistrationEndpoint => Text("registration_endpoint");

    public string? TokenEndpoint => Text("token_endpoint");

    public string? AuthorizationEndpoint => Text("authorization_endpoint");

    /// <summary>RFC 9126: where to push a request object; null when the bank has no PAR.</summary>
    public string? PushedAuthorizationRequestEndpoint => Text("pushed_authorization_request_endpoint");

    /// <summary>The bank's public signing keys (for ID tokens).</summary>
    public string? JwksUri => Text("jwks_uri");

    /// <summary>A <c>*_supported</c> list, or null when the bank does not publish it.</summary>
    public IReadOnlyList<string>? Supported(string name) => Json[name] is JsonArray array
        ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
        : null;

    /// <summary>
    /// Fetches the document. Returns null when the bank has none (404, 405, 501, or an answer that is not JSON);
    /// other failures, such as a bank that cannot be reached, are thrown.
    /// </summary>
    public static async Task<DiscoveryDocument?> TryFetchAsync(BankClient client, Uri bank, TppConsole console, CancellationToken ct)
    {
        var url = new Uri(WithTrailingSlash(bank), WellKnownPath);
        console.Step($"Discovering the bank's endpoints at {url}");
        var response = await client.SendAsync(HttpMethod.Get, url, null, null, ct);
        if (response.IsSuccess && response.Json is { } json)
        {
            return new DiscoveryDocument(json);
        }

        if (response.IsSuccess || response.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
        {
            console.Detail($"no discovery document ({response.StatusText}).");
            return null;
        }

        throw response.Failure("discovery");
    }

    public static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private string? Text(string name) => Json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
