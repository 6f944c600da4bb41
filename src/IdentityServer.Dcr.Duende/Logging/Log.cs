// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.Duende.Logging;

/// <summary>The Duende adapter's log messages: event ids 1700–1799.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1700, EventName = nameof(UnsignedRequestRefused), Level = LogLevel.Information,
        Message = "A registration reached the OBIE validator without a signed request (Duende's JSON endpoint?): refused.")]
    public static partial void UnsignedRequestRefused(this ILogger logger);

    [LoggerMessage(EventId = 1701, EventName = nameof(DuendeClientWritten), Level = LogLevel.Debug,
        Message = "Duende client {ClientId} written in the registration transaction (replace: {Replace}).")]
    public static partial void DuendeClientWritten(this ILogger logger, string clientId, bool replace);

    [LoggerMessage(EventId = 1702, EventName = nameof(DuendeClientRemoved), Level = LogLevel.Debug,
        Message = "Duende client {ClientId} removed in the registration transaction ({Count} row(s)).")]
    public static partial void DuendeClientRemoved(this ILogger logger, string clientId, int count);

    [LoggerMessage(EventId = 1703, EventName = nameof(DuendeClientEvicted), Level = LogLevel.Debug,
        Message = "Duende client {ClientId} evicted from Duende's client cache after it was {Change}.")]
    public static partial void DuendeClientEvicted(this ILogger logger, string clientId, string change);

    [LoggerMessage(EventId = 1713, EventName = nameof(AssertionKeysUnavailable), Level = LogLevel.Error,
        Message = "The client's jwks_uri {JwksUri} could not be read for a client assertion.")]
    public static partial void AssertionKeysUnavailable(this ILogger logger, string jwksUri, Exception exception);

    [LoggerMessage(EventId = 1715, EventName = nameof(RequestObjectAlgorithmRefused), Level = LogLevel.Warning,
        Message = "Request object of client {ClientId} signed with {Algorithm}, which the client did not register: refused.")]
    public static partial void RequestObjectAlgorithmRefused(this ILogger logger, string clientId, string? algorithm);

    [LoggerMessage(EventId = 1716, EventName = nameof(RequestObjectKeyNotFound), Level = LogLevel.Warning,
        Message = "No key {KeyId} for a request object of client {ClientId} at its jwks_uri {JwksUri}: {Reason}.")]
    public static partial void RequestObjectKeyNotFound(this ILogger logger, string clientId, string? keyId, string jwksUri, string reason);

    [LoggerMessage(EventId = 1717, EventName = nameof(RequestObjectKeysUnavailable), Level = LogLevel.Error,
        Message = "The client's jwks_uri {JwksUri} could not be read for a request object.")]
    public static partial void RequestObjectKeysUnavailable(this ILogger logger, string jwksUri, Exception exception);

    [LoggerMessage(EventId = 1720, EventName = nameof(AccessTokenRevoked), Level = LogLevel.Information,
        Message = "Access token of client {ClientId} revoked (kind: {Kind}).")]
    public static partial void AccessTokenRevoked(this ILogger logger, string? clientId, string kind);

    [LoggerMessage(EventId = 1721, EventName = nameof(ClientGrantsRevoked), Level = LogLevel.Information,
        Message = "Persisted grants and reference tokens of deleted client {ClientId} removed.")]
    public static partial void ClientGrantsRevoked(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1722, EventName = nameof(ManagementTokenInvalid), Level = LogLevel.Debug,
        Message = "Management access token refused by Duende's token validator: {Error}.")]
    public static partial void ManagementTokenInvalid(this ILogger logger, string? error);

    [LoggerMessage(EventId = 1730, EventName = nameof(RegistrationEndpointNotMapped), Level = LogLevel.Debug,
        Message = "The OBIE registration endpoint is not mapped (MapObieDynamicClientRegistration): discovery is Duende's own.")]
    public static partial void RegistrationEndpointNotMapped(this ILogger logger);

    [LoggerMessage(EventId = 1719, EventName = nameof(RequestObjectEncodingRefused), Level = LogLevel.Information,
        Message = "Request object of client {ClientId} refused: not base64url without padding (RFC 7515).")]
    public static partial void RequestObjectEncodingRefused(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1723, EventName = nameof(AssertionReplayed), Level = LogLevel.Warning,
        Message = "Client assertion of client {ClientId} was already used (on this or another instance): refused.")]
    public static partial void AssertionReplayed(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1740, EventName = nameof(AuthorizationDependencyUnavailable), Level = LogLevel.Error,
        Message = "The keys or the intents needed to validate an authorization request of client {ClientId} could not be read.")]
    public static partial void AuthorizationDependencyUnavailable(this ILogger logger, string clientId, Exception exception);
}
