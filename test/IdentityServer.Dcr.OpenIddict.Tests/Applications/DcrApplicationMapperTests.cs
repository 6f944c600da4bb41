// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

namespace IdentityServer.Dcr.OpenIddict.Tests.Applications;

[TestFixture]
public sealed class DcrApplicationMapperTests
{
    private readonly DcrApplicationMapper _mapper = new();

    [Test]
    public void GetPermissions_ClientCredentialsOnly_TokenEndpointGrantAndScopes()
    {
        // Arrange
        var registration = Registrations.Create(grantTypes: ["client_credentials"], scope: "openid accounts");

        // Act
        var permissions = _mapper.GetPermissions(registration);

        // Assert
        Assert.That(permissions, Is.EquivalentTo(new[] { "ept:token", "gt:client_credentials", "scp:openid", "scp:accounts" }));
    }

    [Test]
    public void GetPermissions_AuthorizationCode_AddsAuthorizationEndpointAndResponseTypes()
    {
        // Arrange
        var registration = Registrations.Create(grantTypes: ["authorization_code", "refresh_token", "client_credentials"], scope: "openid payments", responseTypes: ["code id_token", "code"]);

        // Act
        var permissions = _mapper.GetPermissions(registration);

        // Assert
        Assert.That(permissions, Is.EquivalentTo(new[]
        {
            "ept:token", "ept:authorization", "ept:pushed_authorization",
            "gt:authorization_code", "gt:refresh_token", "gt:client_credentials",
            "gt:implicit", // OpenIddict's hybrid flow (code id_token) needs it; only the registered response types are permitted
            "rst:code id_token", "rst:code",
            "scp:openid", "scp:payments",
        }));
    }

    [Test]
    public void GetPermissions_ResponseTypesWithoutAuthorizationCode_AreNotPermitted()
    {
        // Arrange
        var registration = Registrations.Create(grantTypes: ["client_credentials"], responseTypes: ["code"]);

        // Act
        var permissions = _mapper.GetPermissions(registration);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(permissions, Does.Not.Contain("ept:authorization"));
            Assert.That(permissions.Where(p => p.StartsWith("rst:", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public void GetPermissions_RepeatedScope_IsListedOnce()
    {
        var permissions = _mapper.GetPermissions(Registrations.Create(scope: "accounts accounts openid"));
        Assert.That(permissions.Count(p => p == "scp:accounts"), Is.EqualTo(1));
    }

    [Test]
    public void GetSettings_PrivateKeyJwt_MethodAlgorithmIdentifiersAndJwksUri()
    {
        // Arrange
        var registration = Registrations.Create(method: "private_key_jwt", signingAlg: "ES256");

        // Act
        var settings = _mapper.GetSettings(registration);

        // Assert
        Assert.That(settings, Is.EquivalentTo(new Dictionary<string, string>
        {
            [DcrOpenIddictConstants.TokenEndpointAuthMethodSetting] = "private_key_jwt",
            [DcrOpenIddictConstants.TokenEndpointAuthSigningAlgSetting] = "ES256",
            [DcrOpenIddictConstants.SoftwareIdSetting] = "SoftwareA",
            [DcrOpenIddictConstants.OrganisationIdSetting] = "0015800001OrgA",
            [DcrOpenIddictConstants.JwksUriSetting] = Registrations.JwksUri,
        }));
    }

    [Test]
    public void GetSettings_TlsClientAuth_SubjectDnAndNoSigningAlgorithm()
    {
        // Arrange
        var registration = Registrations.Create(method: "tls_client_auth", subjectDn: "CN=SoftwareA,OU=0015800001OrgA,O=OpenBanking,C=GB");

        // Act
        var settings = _mapper.GetSettings(registration);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(settings[DcrOpenIddictConstants.TokenEndpointAuthMethodSetting], Is.EqualTo("tls_client_auth"));
            Assert.That(settings[DcrOpenIddictConstants.TlsClientAuthSubjectDnSetting], Is.EqualTo("CN=SoftwareA,OU=0015800001OrgA,O=OpenBanking,C=GB"));
            Assert.That(settings.ContainsKey(DcrOpenIddictConstants.TokenEndpointAuthSigningAlgSetting), Is.False);
        });
    }

    [Test]
    public void GetRedirectUris_AreTheRegisteredOnes()
        => Assert.That(_mapper.GetRedirectUris(Registrations.Create()), Is.EqualTo(new[] { "https://tpp.example.com/callback" }));

    [Test]
    public void GetPermissions_Null_Throws()
        => Assert.That(() => _mapper.GetPermissions(null!), Throws.ArgumentNullException);
}
