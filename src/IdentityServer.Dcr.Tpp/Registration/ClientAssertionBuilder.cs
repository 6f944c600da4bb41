// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.Tpp.Keys;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// The <c>private_key_jwt</c> client assertion (RFC 7523 §3, OIDC Core §9): <c>iss</c> = <c>sub</c> = client_id,
/// <c>aud</c> = the token endpoint URL, a fresh <c>jti</c>, <c>iat</c> and a short <c>exp</c>.
/// </summary>
internal static class ClientAssertionBuilder
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static JsonObject BuildClaims(string clientId, string tokenEndpoint, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        var iat = now.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = clientId,
            ["sub"] = clientId,
            ["aud"] = tokenEndpoint,
            ["jti"] = Guid.NewGuid().ToString(),
            ["iat"] = iat,
            ["exp"] = iat + (long)(lifetime ?? TimeSpan.FromMinutes(5)).TotalSeconds,
        };
    }

    public static string BuildSigned(string clientId, string tokenEndpoint, SoftwareKey key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Sign(BuildClaims(clientId, tokenEndpoint, now));
    }
}
