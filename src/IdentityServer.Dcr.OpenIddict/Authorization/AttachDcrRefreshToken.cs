// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authorization;

/// <summary>
/// Issues a refresh token to a registered client that registered the <c>refresh_token</c> grant, at the code exchange
/// and at each refresh (the token rotates). OpenIddict issues one only for the <c>offline_access</c> scope, which OBIE
/// TPPs do not ask for: the registered grant is the bank's consent to refresh here.
/// </summary>
public sealed class AttachDcrRefreshToken : IOpenIddictServerHandler<ProcessSignInContext>
{
    private readonly IOpenIddictApplicationManager _applications;

    /// <summary>Creates the handler.</summary>
    /// <param name="applications">OpenIddict's applications (the registered grants are their permissions).</param>
    public AttachDcrRefreshToken(IOpenIddictApplicationManager applications) => _applications = applications;

    /// <summary>The descriptor: right after OpenIddict decides which tokens to generate.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseScopedHandler<AttachDcrRefreshToken>()
            .SetOrder(OpenIddictServerHandlers.EvaluateGeneratedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public async ValueTask HandleAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EndpointType != OpenIddictServerEndpointType.Token || context.GenerateRefreshToken
            || context.Request is not { } request || !(request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            || string.IsNullOrEmpty(request.ClientId))
        {
            return;
        }

        var ct = context.Transaction.GetHttpRequest()?.HttpContext.RequestAborted ?? CancellationToken.None;
        var application = await _applications.FindByClientIdAsync(request.ClientId, ct).ConfigureAwait(false);
        if (application is null)
        {
            return;
        }

        var settings = await _applications.GetSettingsAsync(application, ct).ConfigureAwait(false);
        if (settings.ContainsKey(DcrOpenIddictConstants.TokenEndpointAuthMethodSetting)
            && await _applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, ct).ConfigureAwait(false))
        {
            context.GenerateRefreshToken = true;
            context.IncludeRefreshToken = true;
        }
    }
}
