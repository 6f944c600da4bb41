// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json;
using System.Text.Json.Nodes;
using Jose;

namespace IdentityServer.Dcr.Tpp.Registration;

/// <summary>
/// The claims of an SSA, read without verifying its signature: the TPP only uses them for defaults (redirect URIs,
/// scopes from roles) and consistency checks; the bank verifies the SSA.
/// </summary>
internal sealed class SoftwareStatementInfo
{
    private SoftwareStatementInfo(JsonObject claims) => Claims = claims;

    public JsonObject Claims { get; }

    public string? Issuer => Text("iss");

    public string? SoftwareId => Text("software_id");

    public string? OrganisationId => Text("org_id");

    public string? JwksEndpoint => Text("software_jwks_endpoint");

    public IReadOnlyList<string> RedirectUris => Texts("software_redirect_uris");

    public IReadOnlyList<string> Roles => Texts("software_roles");

    public DateTimeOffset? IssuedAt
        => Claims["iat"] is JsonValue v && v.TryGetValue<long>(out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : null;

    public static SoftwareStatementInfo Read(string softwareStatement)
    {
        try
        {
            return JsonNode.Parse(JWT.Payload(softwareStatement.Trim())) is JsonObject claims
                ? new SoftwareStatementInfo(claims)
                : throw new TppException("the software statement's payload is not a JSON object.");
        }
        catch (Exception ex) when (ex is JoseException or JsonException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new TppException("the software statement is not a compact JWS: " + ex.Message, ex);
        }
    }

    /// <summary>
    /// The scopes the SSA's roles allow under OBIE: <c>openid</c>, plus AISP → accounts, PISP → payments, CBPII →
    /// fundsconfirmations.
    /// </summary>
    public IReadOnlyList<string> ScopesFromRoles()
    {
        var scopes = new List<string> { "openid" };
        foreach (var role in Roles)
        {
            var scope = role.ToUpperInvariant() switch
            {
                "AISP" => "accounts",
                "PISP" => "payments",
                "CBPII" => "fundsconfirmations",
                _ => null,
            };
            if (scope is not null && !scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }

        return scopes;
    }

    private string? Text(string name) => Claims[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private List<string> Texts(string name) => Claims[name] is JsonArray array
        ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList()
        : [];
}
