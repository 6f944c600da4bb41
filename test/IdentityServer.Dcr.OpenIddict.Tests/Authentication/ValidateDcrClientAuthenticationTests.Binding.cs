// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using IdentityServer.Dcr.Processing;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>Client secrets through the engine's hasher, and the transport certificate behind certificate-bound tokens.</summary>
public sealed partial class ValidateDcrClientAuthenticationTests
{
    [Test]
    public async Task HandleAsync_SecretMatchingTheEngineHash_IsAccepted()
    {
        // Arrange: the hash the registration processor stores, made by the same service. (client_secret_basic needs
        // the HTTP Authorization header, so it is covered end to end.)
        _options = Registrations.Options("client_secret_post");
        var registration = await StoreAsync(Registrations.Create(method: "client_secret_post", secretHash: new ClientSecretHasher().Hash("s3cret")));
        var context = Context(registration.ClientId, secret: "s3cret");

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(context.IsRejected, Is.False, context.ErrorDescription);
    }

    [TestCase("S3cret")]
    [TestCase("s3cret ")]
    public async Task HandleAsync_WrongSecret_IsInvalidClient(string presented)
    {
        // Arrange
        _options = Registrations.Options("client_secret_post");
        var registration = await StoreAsync(Registrations.Create(method: "client_secret_post", secretHash: new ClientSecretHasher().Hash("s3cret")));
        var context = Context(registration.ClientId, secret: presented);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo("invalid_client"));
            Assert.That(_logger.Collector.GetSnapshot().Select(r => r.Id.Id), Does.Contain(1604));
        });
    }

    [Test]
    public async Task HandleAsync_ExpiredSecret_IsInvalidClient()
    {
        // Arrange
        _options = Registrations.Options("client_secret_post");
        var registration = Registrations.Create(method: "client_secret_post", secretHash: new ClientSecretHasher().Hash("s3cret"));
        registration.ClientSecretExpiresAt = _time.GetUtcNow().AddSeconds(-1);
        await StoreAsync(registration);
        var context = Context(registration.ClientId, secret: "s3cret");

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(context.Error, Is.EqualTo("invalid_client"));
    }

    [TestCase(true, true, false)]
    [TestCase(true, false, true)]
    [TestCase(false, false, false)]
    public async Task HandleAsync_PrivateKeyJwtWithCertificateBoundTokens_NeedsATrustedTransportCertificate(bool bound, bool trusted, bool rejected)
    {
        // Arrange
        _options = Registrations.Options();
        _options.Registration.CertificateBoundAccessTokens = bound;
        _chains.Trusts = _ => trusted;
        var registration = await StoreAsync(Registrations.Create());
        using var certificate = Certificate();
        var context = Context(registration.ClientId, assertion: Assertion(registration.ClientId), certificate: certificate);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.IsRejected, Is.EqualTo(rejected), context.ErrorDescription);
            Assert.That(_chains.Checked, bound ? Has.Count.EqualTo(1) : Is.Empty, "the chain is checked only when tokens are bound");
            if (rejected)
            {
                Assert.That(context.Error, Is.EqualTo("invalid_client"));
                Assert.That(context.ErrorDescription, Is.EqualTo("The transport certificate is not trusted."), "the chain check's own description");
            }
        });
    }

    [Test]
    public async Task HandleAsync_PrivateKeyJwtWithCertificateBoundTokensAndNoCertificate_IsInvalidClient()
    {
        // Arrange
        _options = Registrations.Options();
        _options.Registration.CertificateBoundAccessTokens = true;
        _chains.Trusts = _ => true;
        var registration = await StoreAsync(Registrations.Create());
        var context = Context(registration.ClientId, assertion: Assertion(registration.ClientId));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo("invalid_client"));
            Assert.That(context.ErrorDescription, Is.EqualTo("A transport certificate is required: connect with mutual TLS."));
        });
    }
}
