// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using IdentityServer.Dcr.Processing;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>Where the handler reads the registered client from: the OpenIddict application, or the store as a fallback.</summary>
public sealed partial class ValidateDcrClientAuthenticationTests
{
    [Test]
    public async Task HandleAsync_ApplicationWithDcrSettings_ReadsTheClientFromItWithoutTheStore()
    {
        // Arrange: the application as the mapper writes it; the store holds nothing. The client registered ES256 and
        // signs with PS256, so the refusal shows that the registered algorithm was read from the application.
        var registration = Registrations.Create(signingAlg: "ES256");
        var mapper = new DcrApplicationMapper();
        _applications.Fake.Add(registration.ClientId, mapper.GetSettings(registration), mapper.GetPermissions(registration));
        var context = Context(assertion: Assertion(registration.ClientId));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        var client = DcrClientAuthenticationState.Get(context.Transaction)?.Client;
        Assert.Multiple(() =>
        {
            Assert.That(context.ErrorDescription, Is.EqualTo("The client assertion is not signed with the registered token_endpoint_auth_signing_alg."));
            Assert.That(client?.ClientId, Is.EqualTo(registration.ClientId));
            Assert.That(client?.TokenEndpointAuthMethod, Is.EqualTo("private_key_jwt"));
            Assert.That(client?.TokenEndpointAuthSigningAlg, Is.EqualTo("ES256"));
            Assert.That(client?.JwksUri, Is.EqualTo(registration.Metadata.JwksUri));
            Assert.That(client?.Scopes, Is.EquivalentTo(registration.Metadata.GetScopes()));
            Assert.That(_applications.Fake.Lookups, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task HandleAsync_ApplicationWithoutDcrSettings_FallsBackToTheRegistration()
    {
        // Arrange: an application written before (or without) the DCR settings.
        var registration = await StoreAsync(Registrations.Create());
        _applications.Fake.Add(registration.ClientId, new Dictionary<string, string>(), []);
        var context = Context(assertion: Assertion(registration.ClientId));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(DcrClientAuthenticationState.Get(context.Transaction)?.Client.JwksUri, Is.EqualTo(registration.Metadata.JwksUri));
    }

    [Test]
    public async Task HandleAsync_PrivateKeyJwtApplicationWithoutJwksUri_FallsBackToTheRegistration()
    {
        // Arrange: a mapper override dropped the JWKS URL; the registration still has it.
        var registration = await StoreAsync(Registrations.Create());
        var settings = new DcrApplicationMapper().GetSettings(registration).Remove(DcrOpenIddictConstants.JwksUriSetting);
        _applications.Fake.Add(registration.ClientId, settings, []);
        var context = Context(assertion: Assertion(registration.ClientId));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(DcrClientAuthenticationState.Get(context.Transaction)?.Client.JwksUri, Is.EqualTo(registration.Metadata.JwksUri));
    }

    [Test]
    public async Task HandleAsync_SecretClientFromApplication_SecretIsCheckedAgainstTheRegistration()
    {
        // Arrange
        _options = Registrations.Options("client_secret_post");
        var registration = await StoreAsync(Registrations.Create(method: "client_secret_post", secretHash: new ClientSecretHasher().Hash("s3cret")));
        var mapper = new DcrApplicationMapper();
        _applications.Fake.Add(registration.ClientId, mapper.GetSettings(registration), mapper.GetPermissions(registration));
        var good = Context(clientId: registration.ClientId, secret: "s3cret");
        var bad = Context(clientId: registration.ClientId, secret: "wrong");

        // Act
        await Handler().HandleAsync(good);
        await Handler().HandleAsync(bad);

        // Assert
        Assert.That(good.IsRejected, Is.False);
        Assert.That(bad.IsRejected, Is.True);
        Assert.That(bad.Error, Is.EqualTo("invalid_client"));
    }
}
