// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.EntityFramework.Tests.Stores;

/// <summary>Builds registrations and request tokens with every field set.</summary>
internal static class TestRegistrations
{
    // Sub-microsecond ticks and a non-UTC offset, to prove the stored precision and the UTC normalisation.
    public static readonly DateTimeOffset IssuedAt = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(5_358_979);

    public static ClientRegistration Create(
        string? clientId = null, string softwareId = "software-1", string? stamp = null,
        string organisationId = "0015800001041REAAY", DateTimeOffset? issuedAt = null, string? claims = null) => new()
    {
        ClientId = clientId ?? "client-" + Guid.NewGuid().ToString("N"),
        ClientIdIssuedAt = issuedAt ?? IssuedAt,
        SoftwareId = softwareId,
        OrganisationId = organisationId,
        SoftwareStatementIssuer = "OpenBanking Ltd",
        Metadata = new ClientMetadata
        {
            RedirectUris = ["https://tpp.example/cb", "https://tpp.example/cb2"],
            TokenEndpointAuthMethod = "tls_client_auth",
            GrantTypes = ["authorization_code", "client_credentials", "refresh_token"],
            ResponseTypes = ["code id_token"],
            Scope = "openid accounts payments",
            ApplicationType = "web",
            IdTokenSignedResponseAlg = "PS256",
            RequestObjectSigningAlg = "PS256",
            TlsClientAuthSubjectDn = "CN=software-1,OU=0015800001041REAAY,O=OpenBanking,C=GB",
            BackchannelTokenDeliveryMode = "poll",
            BackchannelUserCodeParameterSupported = false,
            SoftwareId = softwareId,
            JwksUri = "https://keystore.example/0015800001041REAAY/software-1.jwks",
        },
        SoftwareStatement = "eyJhbGciOiJQUzI1NiJ9.eyJzb2Z0d2FyZV9pZCI6InNvZnR3YXJlLTEifQ.c2ln",
        SoftwareStatementClaims = claims ?? """{"software_id":"software-1","org_id":"0015800001041REAAY","software_roles":["AISP","PISP"]}""",
        ClientSecretHash = "sha256:3q2+7w==",
        ClientSecretExpiresAt = IssuedAt.AddDays(90).AddTicks(3),
        UpdatedAt = IssuedAt.AddMinutes(1),
        ConcurrencyStamp = stamp ?? Guid.NewGuid().ToString("N"),
        TransportCertificate = new TransportCertificateInfo(new string('A', 64), "CN=software-1, OU=0015800001041REAAY, O=OpenBanking, C=GB", IssuedAt.AddYears(1)),
    };

    public static UsedRequestToken Token(string? jti = null, string issuer = "software-1", DateTimeOffset? expiresAt = null)
        => new(issuer, jti ?? Guid.NewGuid().ToString("N"), expiresAt ?? IssuedAt.AddMinutes(5));

    /// <summary>The same registration as <paramref name="original"/> with new metadata and a new stamp.</summary>
    public static ClientRegistration Updated(ClientRegistration original, string newStamp, string scope = "openid accounts") => new()
    {
        ClientId = original.ClientId,
        ClientIdIssuedAt = original.ClientIdIssuedAt,
        SoftwareId = original.SoftwareId,
        OrganisationId = original.OrganisationId,
        SoftwareStatementIssuer = original.SoftwareStatementIssuer,
        Metadata = new ClientMetadata
        {
            RedirectUris = ["https://tpp.example/new"],
            TokenEndpointAuthMethod = "private_key_jwt",
            TokenEndpointAuthSigningAlg = "PS256",
            Scope = scope,
            SoftwareId = original.SoftwareId,
        },
        SoftwareStatement = original.SoftwareStatement,
        SoftwareStatementClaims = original.SoftwareStatementClaims,
        ClientSecretHash = null,
        ClientSecretExpiresAt = null,
        UpdatedAt = original.UpdatedAt.AddHours(1),
        ConcurrencyStamp = newStamp,
        TransportCertificate = original.TransportCertificate,
    };
}
