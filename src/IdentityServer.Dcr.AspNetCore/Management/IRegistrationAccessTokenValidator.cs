// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.AspNetCore.Http;

namespace IdentityServer.Dcr.AspNetCore.Management;

/// <summary>
/// Validates the bearer access token of a management request (<c>GET/PUT/DELETE {registration_endpoint}/{ClientId}</c>):
/// a token the client obtained from the bank's token endpoint with the client credentials grant.
/// </summary>
/// <remarks>
/// The authorization server plug-in provides it (OpenIddict, Duende), since only the server that issued the token
/// can validate it and know whether it was revoked. It also checks certificate binding (<c>cnf</c>) when the bank
/// issues certificate-bound tokens. Without an implementation registered, the management operations are not
/// mapped (405) and not advertised.
/// </remarks>
public interface IRegistrationAccessTokenValidator
{
    /// <summary>Validates <paramref name="accessToken"/>.</summary>
    /// <param name="context">The HTTP context (for the transport certificate, when tokens are certificate-bound).</param>
    /// <param name="accessToken">The bearer token, never empty.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>The client the token was issued to, or why the token is not valid.</returns>
    Task<RegistrationAccessTokenResult> ValidateAsync(HttpContext context, string accessToken, CancellationToken ct);
}
