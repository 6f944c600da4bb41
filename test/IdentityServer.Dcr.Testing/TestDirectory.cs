// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing;

/// <summary>A software statement issuer (like the Open Banking Directory) with its own signing key.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory(string issuer = "OpenBanking Ltd", TestSigningKey? key = null)
    {
        Issuer = issuer;
        SigningKey = key ?? TestSigningKey.CreatePs256();
    }

    public string Issuer { get; }

    public TestSigningKey SigningKey { get; }

    /// <summary>The issuer's JWKS document.</summary>
    public string Jwks => TestSigningKey.JwksOf(SigningKey);

    /// <summary>
    /// The claims of an SSA for <paramref name="tpp"/>, shaped like the Open Banking Directory's (see the Directory
    /// specification's SSA profile), issued now.
    /// </summary>
    public JsonObject SoftwareStatementClaims(TestTpp tpp, DateTimeOffset? issuedAt = null)
    {
        ArgumentNullException.ThrowIfNull(tpp);
        return SoftwareStatementClaims(tpp.SoftwareId, tpp.OrganisationId, tpp.JwksUri, tpp.RedirectUris, issuedAt);
    }

    /// <summary>The claims of an SSA for the given software, shaped like the Open Banking Directory's, issued now.</summary>
    public JsonObject SoftwareStatementClaims(string softwareId, string organisationId, string jwksUri, IEnumerable<string> redirectUris, DateTimeOffset? issuedAt = null)
    {
        var redirects = new JsonArray();
        foreach (var uri in redirectUris)
        {
            redirects.Add(uri);
        }

        return new JsonObject
        {
            ["iss"] = Issuer,
            ["iat"] = (issuedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N")[..16],
            ["software_environment"] = "sandbox",
            ["software_mode"] = "Test",
            ["software_id"] = softwareId,
            ["software_client_id"] = softwareId,
            ["software_client_name"] = "Test TPP " + softwareId,
            ["software_client_description"] = "A TPP made by the test suite",
            ["software_version"] = "1.5",
            ["software_client_uri"] = "https://tpp.example.com",
            ["software_redirect_uris"] = redirects,
            ["software_roles"] = new JsonArray("AISP", "PISP"),
            ["organisation_competent_authority_claims"] = new JsonObject
            {
                ["authority_id"] = "OBGBR",
                ["registration_id"] = "Unknown" + organisationId,
                ["status"] = "Active",
                ["authorisations"] = new JsonArray(new JsonObject { ["member_state"] = "GB", ["roles"] = new JsonArray("AISP", "PISP") }),
            },
            ["software_logo_uri"] = "https://tpp.example.com/logo.png",
            ["org_status"] = "Active",
            ["org_id"] = organisationId,
            ["org_name"] = "Test TPP Ltd",
            ["org_contacts"] = new JsonArray(new JsonObject { ["name"] = "Technical", ["email"] = "tech@tpp.example.com", ["phone"] = "+440000000000", ["type"] = "Technical" }),
            ["org_jwks_endpoint"] = jwksUri,
            ["software_jwks_endpoint"] = jwksUri,
            ["software_policy_uri"] = "https://tpp.example.com/policy",
            ["software_tos_uri"] = "https://tpp.example.com/tos",
            ["software_on_behalf_of_org"] = "Test TPP Ltd",
        };
    }

    /// <summary>Signs software statement claims with the issuer's key.</summary>
    public string Sign(JsonObject claims) => SigningKey.Sign(claims);

    /// <summary>Issues a signed SSA for <paramref name="tpp"/>, optionally changing its claims first.</summary>
    public string IssueSoftwareStatement(TestTpp tpp, Action<JsonObject>? modify = null)
    {
        var claims = SoftwareStatementClaims(tpp);
        modify?.Invoke(claims);
        return Sign(claims);
    }

    public void Dispose() => SigningKey.Dispose();
}
