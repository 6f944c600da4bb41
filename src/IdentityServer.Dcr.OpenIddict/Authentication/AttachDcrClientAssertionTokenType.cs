// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace IdentityServer.Dcr.OpenIddict.Authentication;

/// <summary>
/// Second half of the <c>typ</c> relaxation of <see cref="ApplyDcrClientAssertionParameters"/>: OpenIddict infers a
/// token's type from its <c>typ</c> header and reads a generic <c>JWT</c> (or none) as an identity token, which it
/// then refuses as a client assertion. For a registered client's assertion that was just verified with the client's
/// own key, this marks the principal as a client assertion.
/// </summary>
public sealed class AttachDcrClientAssertionTokenType : IOpenIddictServerHandler<ValidateTokenContext>
{
    /// <summary>The descriptor: right after OpenIddict's signature validation, before its principal checks.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler<AttachDcrClientAssertionTokenType>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <inheritdoc />
    public ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion)
            && DcrClientAuthenticationState.Get(context.Transaction) is not null
            && context.Principal is { } principal
            && context.TokenValidationResult?.SecurityToken is JsonWebToken token
            && (string.IsNullOrEmpty(token.Typ) || string.Equals(token.Typ, "JWT", StringComparison.OrdinalIgnoreCase)))
        {
            context.Principal = principal.SetTokenType(TokenTypeIdentifiers.Private.ClientAssertion);
        }

        return ValueTask.CompletedTask;
    }
}
