//! The ceiling for W1: a minimal actix server answering every POST with a fixed body of the size
//! lmsbridge's answer has, on the same number of workers. What HTTP alone costs on this machine.
//!
//!   cargo run --release --example bench-ceiling -- --bind 127.0.0.1:18081 --body response.xml

use actix_web::{App, HttpResponse, HttpServer, web};
use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    bind: String,
    /// The response body to send.
    #[arg(long)]
    body: String,
    #[arg(long)]
    workers: Option<usize>,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let body = web::Bytes::from(std::fs::read(&args.body)?);
    let mut server = HttpServer::new(move || {
        let body = body.clone();
        App::new().default_service(web::to(move |_: web::Bytes| {
            let body = body.clone();
            async move { HttpResponse::Ok().content_type("text/xml; charset=utf-8").body(body) }
        }))
    });
    if let Some(workers) = args.workers {
        server = server.workers(workers);
    }
    println!("ceiling listening on http://{}", args.bind);
    server.bind(&args.bind)?.run().await
}
