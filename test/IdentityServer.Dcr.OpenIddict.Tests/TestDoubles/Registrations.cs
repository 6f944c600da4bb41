// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>Registrations and options built by hand for the handler tests.</summary>
internal static class Registrations
{
    public const string JwksUri = "https://tpp.example.com/jwks";

    public static ClientRegistration Create(
        string method = "private_key_jwt",
        string[]? grantTypes = null,
        string scope = "openid accounts payments",
        string? signingAlg = "PS256",
        string? subjectDn = null,
        string[]? responseTypes = null,
        string? secretHash = null)
        => new()
        {
            ClientId = Guid.NewGuid().ToString("D"),
            ClientIdIssuedAt = DateTimeOffset.UnixEpoch,
            SoftwareId = "SoftwareA",
            OrganisationId = "0015800001OrgA",
            SoftwareStatementIssuer = "Test Directory",
            Metadata = new ClientMetadata
            {
                TokenEndpointAuthMethod = method,
                TokenEndpointAuthSigningAlg = method == "private_key_jwt" ? signingAlg : null,
                GrantTypes = grantTypes ?? ["client_credentials"],
                ResponseTypes = responseTypes ?? [],
                RedirectUris = ["https://tpp.example.com/callback"],
                Scope = scope,
                TlsClientAuthSubjectDn = subjectDn,
                SoftwareId = "SoftwareA",
                JwksUri = JwksUri,
            },
            SoftwareStatement = "ssa",
            SoftwareStatementClaims = "{}",
            ClientSecretHash = secretHash,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            ConcurrencyStamp = "stamp",
        };

    /// <summary>Options with the lists the post-configuration would fill.</summary>
    public static DcrOptions Options(params string[] methods)
    {
        var options = new DcrOptions();
        foreach (var method in methods.Length == 0 ? ["private_key_jwt", "tls_client_auth"] : methods)
        {
            options.Registration.TokenEndpointAuthMethods.Add(method);
        }

        options.Registration.TokenEndpointAuthSigningAlgorithms.Add("PS256");
        options.Registration.TokenEndpointAuthSigningAlgorithms.Add("ES256");
        return options;
    }
}
