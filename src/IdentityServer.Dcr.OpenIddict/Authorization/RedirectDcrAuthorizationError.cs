// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// Sends an error of a registered client's authorization request to the redirect URI its verified request object
/// named (registered, exact match), with the request object's <c>state</c> (never one from outside it) and in the
/// fragment for <c>code id_token</c>. OpenIddict shows every validation error as a page; OBIE expects the errors found
/// after the redirect URI is established (unsupported response type, scope, intent) to reach the TPP (OIDC Core
/// §3.1.2.6).
/// </summary>
public sealed class RedirectDcrAuthorizationError : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    /// <summary>The descriptor: right after OpenIddict attaches (or not) the validated redirect URI.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseSingletonHandler<RedirectDcrAuthorizationError>()
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.Error)
            || !context.Transaction.Properties.TryGetValue(ApplyDcrRequestObject.RedirectableErrorProperty, out var value)
            || value is not ApplyDcrRequestObject.RedirectableError error)
        {
            return ValueTask.CompletedTask;
        }

        context.RedirectUri = error.RedirectUri;
        context.ResponseMode = error.ResponseMode;

        // The state of the signed request object only: AttachResponseState would otherwise copy the outer one.
        context.Response.State = error.State;
        if (context.Request is not null)
        {
            context.Request.State = error.State;
        }

        return ValueTask.CompletedTask;
    }
}
