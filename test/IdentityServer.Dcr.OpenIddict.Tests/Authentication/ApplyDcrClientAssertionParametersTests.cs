// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using IdentityServer.Dcr.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>The <c>typ</c>/<c>aud</c> relaxation and the key and algorithm pinning, for registered clients only.</summary>
[TestFixture]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ApplyDcrClientAssertionParametersTests : IDisposable
{
    private readonly TestSigningKey _key = TestSigningKey.CreatePs256();
    private readonly FixedJwksResolver _jwks;

    public ApplyDcrClientAssertionParametersTests() => _jwks = new FixedJwksResolver(_key);

    public void Dispose() => _key.Dispose();

    private ApplyDcrClientAssertionParameters Handler()
        => new(_jwks, new TestOptionsMonitor<Configuration.DcrOptions>(Registrations.Options()), NullLogger<ApplyDcrClientAssertionParameters>.Instance);

    private ValidateTokenContext Context(Models.ClientRegistration? dcrClient, string? token = null, string tokenType = TokenTypeIdentifiers.Private.ClientAssertion)
    {
        var context = new ValidateTokenContext(Transactions.Token(dcrClient))
        {
            Token = token ?? _key.Sign(new JsonObject { ["iss"] = "client", ["sub"] = "client" }),
            TokenValidationParameters = new TokenValidationParameters { ValidTypes = ["client-authentication+jwt"] },
        };
        context.ValidTokenTypes.Add(tokenType);
        return context;
    }

    [Test]
    public async Task HandleAsync_DcrClient_AcceptsJwtTypeAndTokenEndpointAudienceWithTheClientsKey()
    {
        // Arrange
        var context = Context(Registrations.Create());

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.IsRejected, Is.False, context.ErrorDescription);
            Assert.That(context.TokenValidationParameters!.ValidTypes, Is.EquivalentTo(new[] { "client-authentication+jwt", "JWT" }));
            Assert.That(context.ValidAudiences, Does.Contain(Transactions.TokenEndpoint));
            Assert.That(context.TokenValidationParameters.ValidAlgorithms, Is.EqualTo(new[] { "PS256" }));
            Assert.That(context.TokenValidationParameters.IssuerSigningKeys.Single().KeyId, Is.EqualTo(_key.KeyId));
            Assert.That(context.TokenValidationParameters.IssuerSigningKeyResolver, Is.Null);
        });
    }

    [Test]
    public async Task HandleAsync_NotADcrClient_KeepsOpenIddictsDefaults()
    {
        // Arrange
        var context = Context(dcrClient: null);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.TokenValidationParameters!.ValidTypes, Is.EqualTo(new[] { "client-authentication+jwt" }));
            Assert.That(context.ValidAudiences, Is.Empty);
            Assert.That(_jwks.Lookups, Is.Zero);
        });
    }

    [Test]
    public async Task HandleAsync_DcrClientButAnotherTokenType_KeepsOpenIddictsDefaults()
    {
        // Arrange
        var context = Context(Registrations.Create(), tokenType: TokenTypeIdentifiers.AccessToken);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.TokenValidationParameters!.ValidTypes, Is.EqualTo(new[] { "client-authentication+jwt" }));
            Assert.That(context.ValidAudiences, Is.Empty);
        });
    }

    [Test]
    public async Task HandleAsync_AlgorithmOtherThanRegistered_IsInvalidClient()
    {
        // Arrange: registered for ES256, signed with PS256.
        var context = Context(Registrations.Create(signingAlg: "ES256"));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo(Errors.InvalidClient));
            Assert.That(context.ErrorDescription, Does.Contain("token_endpoint_auth_signing_alg"));
        });
    }

    [Test]
    public async Task HandleAsync_KidNotInJwks_IsInvalidClient()
    {
        // Arrange
        using var stranger = TestSigningKey.CreatePs256("another-kid");
        var context = Context(Registrations.Create(), token: stranger.Sign(new JsonObject { ["iss"] = "client" }));

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.That(context.Error, Is.EqualTo(Errors.InvalidClient));
    }

    [Test]
    public async Task HandleAsync_NotAJwt_IsInvalidClient()
    {
        var context = Context(Registrations.Create(), token: "not-a-jwt");
        await Handler().HandleAsync(context);
        Assert.That(context.Error, Is.EqualTo(Errors.InvalidClient));
    }
}
