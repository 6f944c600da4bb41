// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.AspNetCore.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Faults;

/// <summary>
/// The answers to an exception that escaped the pipeline, shared by <see cref="InfrastructureFaultMiddleware"/>,
/// <see cref="MalformedRequestMiddleware"/> and, in Development, <see cref="DcrDeveloperPageExceptionFilter"/>.
/// </summary>
internal static class DcrFaultAnswers
{
    /// <summary>Whether an answer can still be written: the response has not started and the client is still there.</summary>
    public static bool CanAnswer(HttpContext context) => !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested;

    /// <summary>Answers a fault of the bank's dependencies: 503 <c>temporarily_unavailable</c>.</summary>
    public static Task WriteUnavailableAsync(HttpContext context, Exception exception, ILogger logger)
    {
        logger.InfrastructureFault(context.Request.Path.Value ?? string.Empty, exception);
        context.Response.Clear();
        return DcrHttp.WriteUnavailableAsync(context);
    }

    /// <summary>Answers a request the framework could not read (<paramref name="cause"/>): <c>invalid_request</c> with <paramref name="status"/>.</summary>
    public static Task WriteUnreadableAsync(HttpContext context, Exception cause, int status, ILogger logger)
    {
        logger.MalformedRequest(context.Request.Path.Value ?? string.Empty, status, cause.Message);
        context.Response.Clear();
        return DcrHttp.WriteErrorAsync(context, status, new DcrError("invalid_request", $"{DcrErrorDescriptions.RequestUnreadable} {cause.Message}"));
    }
}
