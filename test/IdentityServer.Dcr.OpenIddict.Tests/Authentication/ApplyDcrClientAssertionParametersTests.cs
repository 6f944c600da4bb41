// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;
using IdentityServer.Dcr.ClientAuthentication;
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

    private static ApplyDcrClientAssertionParameters Handler() => new();

    private string Assertion(string clientId) => _key.Sign(new JsonObject
    {
        ["iss"] = clientId,
        ["sub"] = clientId,
        ["jti"] = Guid.NewGuid().ToString(),
        ["exp"] = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds(),
    });

    /// <summary>A token validation context; for a DCR client, with the engine's check of the assertion attached, as the token endpoint's first handler leaves it.</summary>
    private async Task<ValidateTokenContext> ContextAsync(Models.ClientRegistration? dcrClient, string tokenType = TokenTypeIdentifiers.Private.ClientAssertion, bool engineChecked = true)
    {
        var token = Assertion(dcrClient?.ClientId ?? "client");
        var transaction = Transactions.Token(dcrClient);
        if (dcrClient is not null && engineChecked)
        {
            var options = new TestOptionsMonitor<Configuration.DcrOptions>(Registrations.Options());
            var authenticator = new ClientAuthenticator(_jwks, new FakeTransportCertificateValidator(), options, TimeProvider.System, NullLogger<ClientAuthenticator>.Instance);
            var state = DcrClientAuthenticationState.Get(transaction)!;
            state.Assertion = await authenticator.CheckAssertionAsync(state.Client.Registered, token, CancellationToken.None);
            Assert.That(state.Assertion.Succeeded, Is.True, state.Assertion.Error?.ErrorDescription);
        }

        var context = new ValidateTokenContext(transaction)
        {
            Token = token,
            TokenValidationParameters = new TokenValidationParameters { ValidTypes = ["client-authentication+jwt"] },
        };
        context.ValidTokenTypes.Add(tokenType);
        return context;
    }

    [Test]
    public async Task HandleAsync_DcrClient_AcceptsJwtTypeAndTokenEndpointAudienceWithTheClientsKey()
    {
        // Arrange
        var context = await ContextAsync(Registrations.Create());

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
        var context = await ContextAsync(dcrClient: null);

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
        var context = await ContextAsync(Registrations.Create(), tokenType: TokenTypeIdentifiers.AccessToken);

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
    public async Task HandleAsync_DcrClientWithoutTheEnginesCheck_IsInvalidClient()
    {
        // Arrange: the assertion's rules (form, algorithm, claims, key) are the engine's (ClientAuthenticatorTests);
        // without its result there is no key to verify with, and OpenIddict must not fall back to its own.
        var context = await ContextAsync(Registrations.Create(), engineChecked: false);

        // Act
        await Handler().HandleAsync(context);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(context.Error, Is.EqualTo(Errors.InvalidClient));
            Assert.That(context.TokenValidationParameters!.IssuerSigningKeys, Is.Null.Or.Empty);
        });
    }
}
