// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.OpenIddict.Applications;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// After a registered client's token request is refused, drops the copy of its application kept across requests
/// (<see cref="DcrApplicationCacheOptions"/>): a copy made before a write on another instance (a new authentication
/// method, a scope added) would otherwise refuse the client until it expires. Whatever the refusal, the next request
/// reads the application from the database.
/// </summary>
public sealed class ForgetDcrApplicationAfterRefusal : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    private readonly IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> _cache;

    /// <summary>Creates the handler.</summary>
    /// <param name="cache">The request's application cache.</param>
    public ForgetDcrApplicationAfterRefusal(IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache) => _cache = cache;

    /// <summary>The descriptor: before the token response is written.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<ForgetDcrApplicationAfterRefusal>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.IsNullOrEmpty(context.Response.Error)
            && DcrClientAuthenticationState.Get(context.Transaction) is { } state
            && _cache is DcrApplicationCache cache)
        {
            cache.Forget(state.Client.ClientId);
        }

        return ValueTask.CompletedTask;
    }
}
