// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>The access token of a registered client's client_credentials request.</summary>
[TestFixture]
public sealed class HandleDcrClientCredentialsGrantTests
{
    private static HandleTokenRequestContext Context(bool dcrClient, string? scope, string grantType = GrantTypes.ClientCredentials)
    {
        var registration = Registrations.Create(scope: "openid accounts payments");
        var transaction = Transactions.Token(dcrClient ? registration : null);
        transaction.Request = new OpenIddictRequest { GrantType = grantType, Scope = scope, ClientId = registration.ClientId };
        return new HandleTokenRequestContext(transaction);
    }

    [TestCase(null, new[] { "accounts", "payments" })]
    [TestCase("", new[] { "accounts", "payments" })]
    [TestCase("accounts", new[] { "accounts" })]
    public async Task HandleAsync_DcrClient_SignsInTheClientWithScopes(string? scope, string[] expected)
    {
        // Arrange
        var context = Context(dcrClient: true, scope);

        // Act
        await new HandleDcrClientCredentialsGrant().HandleAsync(context);

        // Assert
        var clientId = DcrClientAuthenticationState.Get(context.Transaction)!.Client.ClientId;
        Assert.Multiple(() =>
        {
            Assert.That(context.Principal!.GetClaim(Claims.Subject), Is.EqualTo(clientId));
            Assert.That(context.Principal!.GetClaim(Claims.ClientId), Is.EqualTo(clientId));
            Assert.That(context.Principal!.GetScopes(), Is.EquivalentTo(expected));
        });
    }

    [Test]
    public async Task HandleAsync_NotADcrClient_LeavesTheRequestToTheBank()
    {
        var context = Context(dcrClient: false, "accounts");
        await new HandleDcrClientCredentialsGrant().HandleAsync(context);
        Assert.That(context.Principal, Is.Null);
    }

    [Test]
    public async Task HandleAsync_AnotherGrant_LeavesTheRequestToTheBank()
    {
        var context = Context(dcrClient: true, "accounts", GrantTypes.RefreshToken);
        await new HandleDcrClientCredentialsGrant().HandleAsync(context);
        Assert.That(context.Principal, Is.Null);
    }
}
