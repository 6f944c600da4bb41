// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.AspNetCore.Endpoints;
using IdentityServer.Dcr.AspNetCore.Logging;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IdentityServer.Dcr.AspNetCore.Faults;

/// <summary>
/// The same answers as <see cref="InfrastructureFaultMiddleware"/> and <see cref="MalformedRequestMiddleware"/> under
/// the developer exception page. <c>WebApplication</c> puts that page inside every startup filter's middleware in
/// Development, so it would catch a dependency outage or an unreadable form first and answer 500 with the stack trace:
/// in Development a bank would see other answers than in Production. Anything else goes on to the page.
/// </summary>
internal sealed class DcrDeveloperPageExceptionFilter : IDeveloperPageExceptionFilter
{
    private readonly ILogger _infrastructure;
    private readonly ILogger _malformed;

    public DcrDeveloperPageExceptionFilter(ILogger<InfrastructureFaultMiddleware> infrastructure, ILogger<MalformedRequestMiddleware> malformed)
    {
        _infrastructure = infrastructure;
        _malformed = malformed;
    }

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        ArgumentNullException.ThrowIfNull(next);
        var context = errorContext.HttpContext;
        var exception = errorContext.Exception;
        if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            if (InfrastructureFaultMiddleware.IsInfrastructureFault(exception))
            {
                _infrastructure.InfrastructureFault(context.Request.Path.Value ?? string.Empty, exception);
                context.Response.Clear();
                await DcrHttp.WriteUnavailableAsync(context).ConfigureAwait(false);
                return;
            }

            if (MalformedRequestMiddleware.IsMalformedRequest(exception, out _))
            {
                await MalformedRequestMiddleware.WriteAsync(context, exception, _malformed).ConfigureAwait(false);
                return;
            }
        }

        await next(errorContext).ConfigureAwait(false);
    }
}
