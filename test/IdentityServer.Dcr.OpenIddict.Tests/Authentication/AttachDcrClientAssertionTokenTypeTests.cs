// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Claims;
using System.Text.Json.Nodes;
using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using IdentityServer.Dcr.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>A verified assertion typed <c>JWT</c> (or untyped) counts as a client assertion, for registered clients only.</summary>
[TestFixture]
public sealed class AttachDcrClientAssertionTokenTypeTests
{
    private static ValidateTokenContext Context(Models.ClientRegistration? dcrClient, string? typ)
    {
        using var key = TestSigningKey.CreateEs256();
        var headers = typ is null ? null : new Dictionary<string, object> { ["typ"] = typ };
        var jwt = key.Sign(new JsonObject { ["iss"] = "client" }, headers);
        var context = new ValidateTokenContext(Transactions.Token(dcrClient))
        {
            Principal = new ClaimsPrincipal(new ClaimsIdentity("test")).SetTokenType(TokenTypeIdentifiers.IdentityToken),
            TokenValidationResult = new TokenValidationResult { SecurityToken = new JsonWebToken(jwt) },
        };
        context.ValidTokenTypes.Add(TokenTypeIdentifiers.Private.ClientAssertion);
        return context;
    }

    [TestCase("JWT")]
    [TestCase("jwt")]
    public async Task HandleAsync_DcrClientJwtTyped_MarksTheClientAssertionType(string typ)
    {
        // Arrange
        var context = Context(Registrations.Create(), typ);

        // Act
        await new AttachDcrClientAssertionTokenType().HandleAsync(context);

        // Assert
        Assert.That(context.Principal!.GetTokenType(), Is.EqualTo(TokenTypeIdentifiers.Private.ClientAssertion));
    }

    [Test]
    public async Task HandleAsync_NotADcrClient_LeavesTheType()
    {
        var context = Context(dcrClient: null, "JWT");
        await new AttachDcrClientAssertionTokenType().HandleAsync(context);
        Assert.That(context.Principal!.GetTokenType(), Is.EqualTo(TokenTypeIdentifiers.IdentityToken));
    }

    [Test]
    public async Task HandleAsync_DcrClientWithAnotherTyp_LeavesTheType()
    {
        var context = Context(Registrations.Create(), "at+jwt");
        await new AttachDcrClientAssertionTokenType().HandleAsync(context);
        Assert.That(context.Principal!.GetTokenType(), Is.EqualTo(TokenTypeIdentifiers.IdentityToken));
    }
}
