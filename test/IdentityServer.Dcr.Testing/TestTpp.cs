// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing;

/// <summary>A third-party provider: identifiers, a software signing key, and (optionally) a transport certificate.</summary>
public sealed class TestTpp : IDisposable
{
    public TestTpp(string jwksUri, TestSigningKey? signingKey = null, string? softwareId = null, string? organisationId = null)
    {
        SoftwareId = softwareId ?? NewBase62Id(22);
        OrganisationId = organisationId ?? "0015800001" + NewBase62Id(8);
        JwksUri = jwksUri;
        SigningKey = signingKey ?? TestSigningKey.CreatePs256();
    }

    public string SoftwareId { get; }

    public string OrganisationId { get; }

    public string JwksUri { get; }

    public TestSigningKey SigningKey { get; }

    public IList<string> RedirectUris { get; } = ["https://tpp.example.com/callback", "https://tpp.example.com/callback2"];

    public X509Certificate2? TransportCertificate { get; set; }

    /// <summary>The subject of an Open Banking legacy transport certificate: <c>C=GB, O=OpenBanking, OU=org_id, CN=software_id</c>.</summary>
    public X500DistinguishedName LegacyTransportSubject() => new($"CN={SoftwareId}, OU={OrganisationId}, O=OpenBanking, C=GB");

    /// <summary>The subject of an OBWAC (eIDAS-style) certificate with organizationIdentifier.</summary>
    public X500DistinguishedName ObwacSubject()
        => new($"CN={OrganisationId}, OID.2.5.4.97=PSDGB-OB-Unknown{OrganisationId}, O=Test TPP Ltd, C=GB");

    /// <summary>The JWKS served at <see cref="JwksUri"/>.</summary>
    public string Jwks => TestSigningKey.JwksOf(SigningKey);

    /// <summary>The claims of a typical private_key_jwt registration request, valid now.</summary>
    public JsonObject RegistrationClaims(string softwareStatement, string audience)
        => RegistrationClaims(SoftwareId, RedirectUris[0], softwareStatement, audience);

    /// <summary>The claims of a typical private_key_jwt registration request of a software, valid now.</summary>
    public static JsonObject RegistrationClaims(string softwareId, string redirectUri, string softwareStatement, string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = softwareId,
            ["iat"] = now,
            ["exp"] = now + 300,
            ["jti"] = Guid.NewGuid().ToString(),
            ["aud"] = audience,
            ["scope"] = "openid accounts payments",
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["token_endpoint_auth_signing_alg"] = "PS256",
            ["grant_types"] = new JsonArray("authorization_code", "client_credentials", "refresh_token"),
            ["response_types"] = new JsonArray("code id_token"),
            ["id_token_signed_response_alg"] = "PS256",
            ["request_object_signing_alg"] = "PS256",
            ["application_type"] = "web",
            ["software_id"] = softwareId,
            ["redirect_uris"] = new JsonArray(redirectUri),
            ["software_statement"] = softwareStatement,
        };
    }

    /// <summary>Signs registration claims with the software key.</summary>
    public string Sign(JsonObject claims) => SigningKey.Sign(claims);

    public void Dispose()
    {
        SigningKey.Dispose();
        TransportCertificate?.Dispose();
    }

    /// <summary>A random identifier of <paramref name="length"/> base-62 characters, like Open Banking software and organisation ids.</summary>
    public static string NewBase62Id(int length)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        return string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }
}
