// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

namespace IdentityServer.Dcr.AspNetCore.Management;

/// <summary>Revokes tokens when the specification says so: the token presented for an unknown client, and every token of a deleted client.</summary>
/// <remarks>Provided by the authorization server plug-in. Without one, nothing is revoked (tokens then expire on their own).</remarks>
public interface IClientTokenRevoker
{
    /// <summary>Revokes one access token (the one presented for an unknown client).</summary>
    /// <param name="token">The token as the validator accepted it (its client and, when the server keeps one, its identifier).</param>
    /// <param name="accessToken">The token itself.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>
    /// <see langword="true"/> when the token is revoked; <see langword="false"/> when this server cannot revoke it (for
    /// example a self-contained token with no entry to revoke). It must not depend on validating the token again: the
    /// caller has validated it, binding included.
    /// </returns>
    Task<bool> RevokeTokenAsync(RegistrationAccessTokenResult token, string accessToken, CancellationToken ct);

    /// <summary>Revokes every token issued to a client (after it is deleted).</summary>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="ct">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task RevokeClientTokensAsync(string clientId, CancellationToken ct);
}
