// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Base64Url = System.Buffers.Text.Base64Url;

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>
/// The signed request object of the OBIE Security Profile (FAPI 1 Advanced §5.2.2): every parameter inside it,
/// <c>iss</c> = <c>client_id</c>, <c>aud</c> = the bank's issuer, <c>nbf</c> and a short <c>exp</c>, and the consent
/// as the essential ID token claim <c>openbanking_intent_id</c>; and the authorization URLs that carry it, by value
/// or by reference (RFC 9126).
/// </summary>
internal static class RequestObjectBuilder
{
    public const string Hybrid = "code id_token";
    public const string Code = "code";

    /// <summary>How long a request object is valid: FAPI allows at most 60 minutes between <c>nbf</c> and <c>exp</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static JsonObject BuildClaims(AuthorizationRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var nbf = now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = request.ClientId,
            ["aud"] = request.Audience,
            ["nbf"] = nbf,
            ["exp"] = nbf + (long)Lifetime.TotalSeconds,
            ["client_id"] = request.ClientId,
            ["response_type"] = request.ResponseType,
            ["redirect_uri"] = request.RedirectUri,
            ["scope"] = request.Scope,
            ["state"] = request.State,
            ["nonce"] = request.Nonce,
            ["claims"] = new JsonObject
            {
                ["id_token"] = new JsonObject
                {
                    ["openbanking_intent_id"] = new JsonObject { ["value"] = request.ConsentId, ["essential"] = true },
                },
            },
        };
        if (request.CodeChallenge is not null)
        {
            claims["code_challenge"] = request.CodeChallenge;
            claims["code_challenge_method"] = Pkce.Method;
        }

        return claims;
    }

    /// <summary><c>code id_token</c> or <c>code</c>, whatever the order of the words; anything else is refused.</summary>
    public static string NormaliseResponseType(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
        return words switch
        {
            ["code"] => Code,
            ["code", "id_token"] => Hybrid,
            _ => throw new TppException($"unsupported response type '{value}': use \"code id_token\" (the OBIE hybrid flow) or code."),
        };
    }

    /// <summary>An unguessable value for <c>state</c> and <c>nonce</c>: 32 random bytes, base64url.</summary>
    public static string RandomValue() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The request object by value: <c>?client_id&amp;response_type&amp;scope&amp;request</c> (OIDC requires the first
    /// three outside too).
    /// </summary>
    public static Uri ByValueUrl(Uri authorizationEndpoint, string clientId, string responseType, string scope, string requestObject)
        => WithQuery(authorizationEndpoint, ("client_id", clientId), ("response_type", responseType), ("scope", scope), ("request", requestObject));

    /// <summary>The pushed request by reference (RFC 9126 §4): <c>?client_id&amp;request_uri</c>.</summary>
    public static Uri PushedUrl(Uri authorizationEndpoint, string clientId, string requestUri)
        => WithQuery(authorizationEndpoint, ("client_id", clientId), ("request_uri", requestUri));

    private static Uri WithQuery(Uri endpoint, params (string Name, string Value)[] parameters)
    {
        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        var left = endpoint.GetLeftPart(UriPartial.Query);
        return new Uri(left + (endpoint.Query.Length > 1 ? "&" : left.EndsWith('?') ? "" : "?") + query);
    }
}
