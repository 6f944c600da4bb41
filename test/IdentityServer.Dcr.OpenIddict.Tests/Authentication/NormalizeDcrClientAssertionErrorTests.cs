// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Authentication;
using IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Tests.Authentication;

/// <summary>OpenIddict's <c>invalid_token</c> for a registered client's assertion becomes <c>invalid_client</c>, and nothing else changes.</summary>
[TestFixture]
public sealed class NormalizeDcrClientAssertionErrorTests
{
    private static ApplyTokenResponseContext Context(bool dcrClient, string? assertion, string error)
    {
        var transaction = Transactions.Token(dcrClient ? Registrations.Create() : null);
        transaction.Request = new OpenIddictRequest { ClientAssertion = assertion };
        transaction.Response = new OpenIddictResponse { Error = error };
        return new ApplyTokenResponseContext(transaction);
    }

    [TestCase(true, "a.b.c", Errors.InvalidToken, Errors.InvalidClient)]
    [TestCase(false, "a.b.c", Errors.InvalidToken, Errors.InvalidToken)]
    [TestCase(true, null, Errors.InvalidToken, Errors.InvalidToken)]
    [TestCase(true, "a.b.c", Errors.InvalidScope, Errors.InvalidScope)]
    [TestCase(true, "a.b.c", Errors.InvalidClient, Errors.InvalidClient)]
    public async Task HandleAsync_Error_IsNormalisedOnlyForDcrAssertions(bool dcrClient, string? assertion, string error, string expected)
    {
        // Arrange
        var context = Context(dcrClient, assertion, error);

        // Act
        await new NormalizeDcrClientAssertionError().HandleAsync(context);

        // Assert
        Assert.That(context.Response.Error, Is.EqualTo(expected));
    }
}
