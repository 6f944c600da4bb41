// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Answers <c>invalid_client</c> (RFC 6749 §5.2, RFC 7523 §3.2) when a registered client's assertion fails one of
/// OpenIddict's generic token checks (audience, lifetime), which OpenIddict reports as <c>invalid_token</c>.
/// </summary>
public sealed class NormalizeDcrClientAssertionError : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    /// <summary>The descriptor: before the response is written.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<NormalizeDcrClientAssertionError>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response is { Error: Errors.InvalidToken } response
            && context.Request is { ClientAssertion.Length: > 0 }
            && DcrClientAuthenticationState.Get(context.Transaction) is not null)
        {
            response.Error = Errors.InvalidClient;
        }

        return ValueTask.CompletedTask;
    }
}
