(module
  (type (;0;) (func (param i32) (result i64)))
  (memory (;0;) 2 3)
  (func (;0;) (type 0) (param i32) (result i64)
    (local i32 i32 i32 i64 i32 i32 i32 i64 i32 i32 i32 i64 i32 i64 i32 i64 i32 i64 i32 i32 i32 i64 i32 i64 i32 i32 i32 i64 i32 i32 i32 i32)
    i32.const 0
    if ;; label = @1
      unreachable
    end
    i32.const 0
    local.get 2
    i32.atomic.rmw8.or_u offset=1159760654
    i64.atomic.load offset=94744
    memory.size
    drop
    local.get 4
    local.get 8
    local.get 12
    local.get 14
    local.get 16
    local.get 0
    i64.const 0
    local.get 24
    drop
    drop
    drop
    drop
    drop
    drop
    drop
    drop
  )
)
