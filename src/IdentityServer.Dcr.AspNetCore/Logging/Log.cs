// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Logging;

/// <summary>Source-generated log messages of the ASP.NET Core endpoints (event ids 1050–1099, within the engine's 1000 range).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1050, EventName = nameof(BodyTooLarge), Level = LogLevel.Information,
        Message = "Registration request body larger than {Limit} bytes refused")]
    public static partial void BodyTooLarge(this ILogger logger, int limit);

    [LoggerMessage(EventId = 1051, EventName = nameof(DependencyUnavailable), Level = LogLevel.Error,
        Message = "Registration endpoint answered 503: a dependency is unavailable")]
    public static partial void DependencyUnavailable(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1053, EventName = nameof(ManagementTokenRejected), Level = LogLevel.Information,
        Message = "Management request with an invalid access token: {Reason}")]
    public static partial void ManagementTokenRejected(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1054, EventName = nameof(ManagementUnknownClient), Level = LogLevel.Information,
        Message = "Management request of client {TokenClientId} for an unknown client; revoking its token")]
    public static partial void ManagementUnknownClient(this ILogger logger, string tokenClientId);

    [LoggerMessage(EventId = 1055, EventName = nameof(ManagementForeignClient), Level = LogLevel.Warning,
        Message = "Client {TokenClientId} used its access token on the registration of client {ClientId}")]
    public static partial void ManagementForeignClient(this ILogger logger, string tokenClientId, string clientId);

    [LoggerMessage(EventId = 1056, EventName = nameof(ManagementTokenNotRevoked), Level = LogLevel.Warning,
        Message = "The access token of client {TokenClientId}, presented for an unknown client, could not be revoked (no "
            + "revoker, or the server keeps no entry for it)")]
    public static partial void ManagementTokenNotRevoked(this ILogger logger, string tokenClientId);

    [LoggerMessage(EventId = 1057, EventName = nameof(ManagementCertificateNotOfClient), Level = LogLevel.Warning,
        Message = "Management request for client {ClientId} with a transport certificate that is not the client's")]
    public static partial void ManagementCertificateNotOfClient(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1059, EventName = nameof(ManagementClientDisabled), Level = LogLevel.Information,
        Message = "Management request for client {ClientId} refused: the client is disabled")]
    public static partial void ManagementClientDisabled(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 1060, EventName = nameof(ClientDisabledByOperator), Level = LogLevel.Information,
        Message = "Client {ClientId} disabled by {Actor}")]
    public static partial void ClientDisabledByOperator(this ILogger logger, string clientId, string actor);

    [LoggerMessage(EventId = 1061, EventName = nameof(ClientEnabledByOperator), Level = LogLevel.Information,
        Message = "Client {ClientId} enabled again by {Actor}")]
    public static partial void ClientEnabledByOperator(this ILogger logger, string clientId, string actor);

    [LoggerMessage(EventId = 1052, EventName = nameof(ForwardedCertificateRefused), Level = LogLevel.Warning,
        Message = "The client certificate forwarded by a trusted proxy was refused: {Problem}")]
    public static partial void ForwardedCertificateRefused(this ILogger logger, string problem);

    [LoggerMessage(EventId = 1058, EventName = nameof(InfrastructureFault), Level = LogLevel.Error,
        Message = "Request to {Path} answered 503: a dependency of the bank is unavailable")]
    public static partial void InfrastructureFault(this ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1062, EventName = nameof(MalformedRequest), Level = LogLevel.Information,
        Message = "Request to {Path} could not be read, answered {Status}: {Reason}")]
    public static partial void MalformedRequest(this ILogger logger, string path, int status, string reason);
}
