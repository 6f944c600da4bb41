// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Configuration;
using IdentityServer.Dcr.Discovery;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.UnitTests.Discovery;

[TestFixture]
public sealed class DcrDiscoveryMetadataProviderTests
{
    private static DcrOptions Options(Action<DcrOptions>? configure = null)
    {
        var options = new DcrOptions();
        configure?.Invoke(options);
        new DcrOptionsPostConfigure().PostConfigure(null, options);
        return options;
    }

    [Test]
    public void GetMetadata_Defaults_PublishesWhatRegistrationAccepts()
    {
        // Arrange
        var provider = new DcrDiscoveryMetadataProvider(new TestOptionsMonitor<DcrOptions>(Options()));

        // Act
        var metadata = provider.GetMetadata(new Uri("https://bank.example.com/register"));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(metadata["registration_endpoint"], Is.EqualTo("https://bank.example.com/register"));
            Assert.That(metadata["token_endpoint_auth_methods_supported"], Is.EqualTo(new[] { "private_key_jwt", "tls_client_auth" }));
            Assert.That(metadata["token_endpoint_auth_signing_alg_values_supported"], Is.EqualTo(new[] { "PS256", "ES256" }));
            Assert.That(metadata["grant_types_supported"], Is.EqualTo(new[] { "authorization_code", "client_credentials", "refresh_token" }));
            Assert.That(metadata["response_types_supported"], Is.EqualTo(new[] { "code", "code id_token" }));
            Assert.That(metadata["scopes_supported"], Is.EquivalentTo(new[] { "openid", "accounts", "payments", "fundsconfirmations" }));
            Assert.That(metadata["tls_client_certificate_bound_access_tokens"], Is.False);
            Assert.That(metadata.ContainsKey("backchannel_token_delivery_modes_supported"), Is.False);
        });
    }

    [Test]
    public void GetMetadata_BankRestrictions_AreReflected()
    {
        // Arrange
        var options = Options(o =>
        {
            o.Registration.TokenEndpointAuthMethods.Add("tls_client_auth");
            o.Registration.GrantTypes.Add("client_credentials");
            o.Registration.GrantTypes.Add("urn:openid:params:grant-type:ciba");
            o.Registration.CertificateBoundAccessTokens = true;
        });
        var provider = new DcrDiscoveryMetadataProvider(new TestOptionsMonitor<DcrOptions>(options));

        // Act
        var metadata = provider.GetMetadata(new Uri("https://bank.example.com/register"));

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(metadata["token_endpoint_auth_methods_supported"], Is.EqualTo(new[] { "tls_client_auth" }));
            Assert.That(metadata["grant_types_supported"], Is.EqualTo(new[] { "client_credentials", "urn:openid:params:grant-type:ciba" }));
            Assert.That(metadata["tls_client_certificate_bound_access_tokens"], Is.True);
            Assert.That(metadata["backchannel_token_delivery_modes_supported"], Is.EqualTo(new[] { "poll", "ping" }));
        });
    }
}
