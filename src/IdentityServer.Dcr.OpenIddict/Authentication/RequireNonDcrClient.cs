// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Keeps an OpenIddict client authentication handler (secret, certificate) away from registered (DCR) clients, which
/// <see cref="ValidateDcrClientAuthentication"/> authenticates from their registration instead.
/// </summary>
public sealed class RequireNonDcrClient : IOpenIddictServerHandlerFilter<ProcessAuthenticationContext>
{
    /// <inheritdoc />
    public ValueTask<bool> IsActiveAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(DcrClientAuthenticationState.Get(context.Transaction) is null);
    }
}
